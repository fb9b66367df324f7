using FileCache.Tests.Sources;
using FileCache.Warming;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Warming;

public sealed class WarmingHostTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fc-host-" + Guid.NewGuid().ToString("N"));

    private (ServiceProvider Provider, FakeTimeProvider Time) Build(InMemoryFileSource source, Action<FileCacheWarmingOptions> configure)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddFileCache(o => o.AddProject("p", null, p => p.Source = source))
            .AddWarming(o => o.ManifestFolder = _folder)
            .AddWarming(configure); // twice: idempotent, both configurations apply
        return (services.BuildServiceProvider(), time);
    }

    [Fact]
    public async Task HostedService_WritesTheManifestPeriodicallyAndAtShutdown_AndWarmsFromItNextStart()
    {
        var source = WarmingFixture.Files(8);
        var (provider, time) = Build(source, o => (o.ManifestInterval, o.BlockStartup) = (TimeSpan.FromMinutes(1), true));
        await using (provider)
        {
            var hosted = Assert.Single(provider.GetServices<IHostedService>().OfType<WarmingHostedService>());
            await hosted.StartAsync(CancellationToken.None);
            var cache = provider.GetRequiredService<IFileCache>();
            await cache.ReadAsync("p", "f1");
            var warmer = provider.GetRequiredService<IFileCacheWarmer>();
            time.Advance(TimeSpan.FromMinutes(1));
            await WarmerTests.WaitUntil(() => warmer.GetStatistics().ManifestsWritten == 1);
            await cache.ReadAsync("p", "f2");
            await hosted.StopAsync(CancellationToken.None);
            Assert.Equal(2, warmer.GetStatistics().ManifestsWritten);
        }

        int reads = source.Reads;
        var (next, _) = Build(source, o => o.BlockStartup = true);
        await using (next)
        {
            await next.GetServices<IHostedService>().OfType<WarmingHostedService>().Single().StartAsync(CancellationToken.None);
            var cache = next.GetRequiredService<IFileCache>();
            Assert.True(cache.TryGetValue("p", "f1", out _));
            Assert.True(cache.TryGetValue("p", "f2", out _));
            Assert.Equal(reads + 2, source.Reads);
            Assert.Equal(1, next.GetRequiredService<IFileCacheWarmer>().GetStatistics().Runs);
        }
    }

    [Fact]
    public async Task HostedService_CorruptManifest_StartsCold()
    {
        Directory.CreateDirectory(_folder);
        await File.WriteAllBytesAsync(new ManifestHotSetStore(_folder).PathOf("p"), new byte[100]);
        var (provider, _) = Build(WarmingFixture.Files(2), o => o.BlockStartup = true);
        await using (provider)
        {
            await provider.GetServices<IHostedService>().OfType<WarmingHostedService>().Single().StartAsync(CancellationToken.None);
            Assert.Equal(0, provider.GetRequiredService<IFileCacheWarmer>().GetStatistics().Loaded);
        }
    }

    [Fact]
    public void AddWarming_InvalidOptions_FailAtStartUp()
    {
        var (provider, _) = Build(WarmingFixture.Files(1), o => (o.MaxConcurrency, o.ManifestInterval) = (0, TimeSpan.Zero));
        using (provider)
        {
            var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FileCacheOptions>>().Value);
            Assert.Contains(ex.Failures, f => f.Contains("Warming.MaxConcurrency", StringComparison.Ordinal));
            Assert.Contains(ex.Failures, f => f.Contains("Warming.ManifestInterval", StringComparison.Ordinal));
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
