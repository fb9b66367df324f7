using FileCache.Telemetry;
using FileCache.Tests.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.DependencyInjection;

public sealed class KeyedCacheTests
{
    [Fact]
    public void AddKeyedFileCache_TwoNames_AreIndependentCachesWithSeparateStatistics()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddKeyedFileCache("a", o => { o.MaxBytes = 1 << 20; o.AddProject("p", null); });
        services.AddKeyedFileCache("b", o => { o.MaxBytes = 2 << 20; o.AddProject("p", null); });
        using var provider = services.BuildServiceProvider();

        var a = provider.GetRequiredKeyedService<IFileCache>("a");
        var b = provider.GetRequiredKeyedService<IFileCache>("b");
        var key = a.CreateKey("p", "x");
        Assert.True(a.Set(key, "in a"));
        Assert.True(a.TryGet(key, out string? _));
        Assert.False(b.TryGet(b.CreateKey("p", "x"), out string? _));

        Assert.NotSame(a, b);
        Assert.Same(a, provider.GetRequiredKeyedService<IFileCache>("a"));
        Assert.Equal((1L, 1L, 0L), (a.GetStatistics().Total.Hits, a.GetStatistics().Total.Entries, a.GetStatistics().Total.Misses));
        Assert.Equal((0L, 0L, 1L), (b.GetStatistics().Total.Hits, b.GetStatistics().Total.Entries, b.GetStatistics().Total.Misses));
        Assert.Equal((1L << 20, 2L << 20), (a.GetStatistics().BudgetBytes, b.GetStatistics().BudgetBytes));
        Assert.Null(provider.GetService<IFileCache>()); // no unnamed cache unless AddFileCache is called
        Assert.NotSame(provider.GetRequiredKeyedService<FileCache.Monitoring.CacheMonitor>("a"), provider.GetRequiredKeyedService<FileCache.Monitoring.CacheMonitor>("b"));
    }

    [Fact]
    public void AddKeyedFileCache_EachCachesMeterIsTaggedWithItsName_SeriesTellThemApart()
    {
        using var meters = new TestMeterFactory();
        using var metrics = new MetricsRecorder(meters);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddSingleton<System.Diagnostics.Metrics.IMeterFactory>(meters);
        services.AddFileCache(o => o.AddProject("p", null));
        services.AddKeyedFileCache("a", o => o.AddProject("p", null));
        services.AddKeyedFileCache("b", o => o.AddProject("p", null));
        using var provider = services.BuildServiceProvider();
        var unnamed = provider.GetRequiredService<IFileCache>();
        var a = provider.GetRequiredKeyedService<IFileCache>("a");
        var b = provider.GetRequiredKeyedService<IFileCache>("b");

        a.Set(a.CreateKey("p", "1"), "one");
        a.Set(a.CreateKey("p", "2"), "two");
        b.Set(b.CreateKey("p", "1"), "one");

        var byCache = new Dictionary<string, double>();
        var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == FileCacheTelemetry.Entries)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            string name = instrument.Meter.Tags?.FirstOrDefault(t => t.Key == FileCacheTelemetry.CacheNameTag).Value as string ?? "(unnamed)";
            byCache[name] = byCache.GetValueOrDefault(name) + value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        listener.Dispose();

        Assert.Equal(2, byCache["a"]);
        Assert.Equal(1, byCache["b"]);
        Assert.Equal(0, byCache["(unnamed)"]);
        Assert.NotNull(unnamed);
    }

    [Fact]
    public async Task AddKeyedFileCache_InvalidOptions_FailAtStartUp_NamingTheField()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddKeyedFileCache("good", o => o.MaxBytes = 1000);
        builder.Services.AddKeyedFileCache("bad", o => o.MaxBytes = -1);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal("bad", ex.OptionsName);
        Assert.StartsWith("FileCacheOptions.MaxBytes ", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void AddKeyedFileCache_FromConfiguration_BindsItsOwnSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Caches:small:MaxBytes"] = "4096",
            ["Caches:small:Projects:0:Name"] = "s",
            ["Caches:large:MaxBytes"] = "8192",
            ["Caches:large:Projects:0:Name"] = "l",
        }).Build();
        var services = new ServiceCollection();
        services.AddKeyedFileCache("small", configuration.GetSection("Caches:small"));
        services.AddKeyedFileCache("large", configuration.GetSection("Caches:large"));
        using var provider = services.BuildServiceProvider();

        var small = provider.GetRequiredKeyedService<IFileCache>("small");
        var large = provider.GetRequiredKeyedService<IFileCache>("large");

        Assert.Equal((4096L, 8192L), (small.GetStatistics().BudgetBytes, large.GetStatistics().BudgetBytes));
        Assert.Equal(["s"], small.Projects);
        Assert.Equal(["l"], large.Projects);
        Assert.Equal("small", provider.GetRequiredService<IOptionsMonitor<FileCacheOptions>>().Get("small").Name);
    }

    [Fact]
    public void AddKeyedFileCache_BadName_Throws()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentException>(() => services.AddKeyedFileCache(" "));
        Assert.Throws<ArgumentNullException>(() => services.AddKeyedFileCache(null!));
    }
}
