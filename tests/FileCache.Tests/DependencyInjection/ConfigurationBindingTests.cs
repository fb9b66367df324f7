using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FileCache.Tests.DependencyInjection;

public sealed class ConfigurationBindingTests
{
    /// <summary>A value for every option, none of them the default. A new option fails the coverage test until added here.</summary>
    private static readonly Dictionary<string, string?> EveryOption = new()
    {
        ["Name"] = "primary",
        ["MaxBytes"] = "123456789",
        ["MaxEntryBytes"] = "1048576",
        ["EvictionPolicy"] = "Clock",
        ["ExpirationScanInterval"] = "00:00:07",
        ["MaxExpirationsPerScan"] = "77",
        ["Compression:ThresholdBytes"] = "4096",
        ["Compression:MinSavings"] = "0.4",
        ["Compression:Level"] = "Optimal",
        ["Memory:AdaptToPressure"] = "False",
        ["Memory:CheckInterval"] = "00:00:09",
        ["Memory:PressureThreshold"] = "0.7",
        ["Memory:MinBudgetFraction"] = "0.5",
        ["Memory:AlertThresholds:0"] = "0.6",
        ["Memory:AlertThresholds:1"] = "0.8",
        ["DefaultAbsoluteExpiration"] = "01:00:00",
        ["DefaultSlidingExpiration"] = "00:10:00",
        ["Statistics:Enabled"] = "False",
        ["Statistics:HitSampleRate"] = "64",
        ["Statistics:HitTimingRate"] = "512",
        ["Statistics:HotKeyCount"] = "8",
        ["Statistics:HistoryInterval"] = "00:00:30",
        ["Statistics:HistoryCapacity"] = "100",
        ["Statistics:PerProjectMetrics"] = "True",
        ["Monitoring:UseBuiltInRules"] = "False",
        ["Monitoring:Rules:0:Name"] = "low-hit-ratio",
        ["Monitoring:Rules:0:Metric"] = "HitRatio",
        ["Monitoring:Rules:0:Comparison"] = "Below",
        ["Monitoring:Rules:0:Threshold"] = "0.5",
        ["Monitoring:Rules:0:ResolveThreshold"] = "0.6",
        ["Monitoring:Rules:0:Window"] = "00:02:00",
        ["Monitoring:Rules:0:Duration"] = "00:00:30",
        ["Monitoring:Rules:0:MinimumEvents"] = "10",
        ["Invalidation:Mode"] = "ValidateOnRead",
        ["Invalidation:ValidationInterval"] = "00:00:03",
        ["Invalidation:WatcherDebounce"] = "00:00:00.0500000",
        ["Invalidation:StormThreshold"] = "32",
        ["Invalidation:StormMaxDelay"] = "00:00:02",
        ["Invalidation:UsePolling"] = "True",
        ["Invalidation:PollingInterval"] = "00:00:04",
        ["Invalidation:WatcherRetryInterval"] = "00:05:00",
        ["Invalidation:SynchronizeTimeout"] = "00:00:20",
        ["Invalidation:MaxStaleness"] = "00:01:00",
        ["Invalidation:RefreshRetryDelay"] = "00:00:02",
        ["Invalidation:ComputeContentHash"] = "True",
        ["Writing:WriteBehindDelay"] = "00:00:00.2500000",
        ["Writing:RetryDelay"] = "00:00:05",
        ["Writing:MaxRetryDelay"] = "00:10:00",
        ["Writing:DisposeFlushTimeout"] = "00:00:15",
        ["Writing:FlushToDisk"] = "False",
        ["Warming:ManifestFolder"] = "/var/lib/app/hotset",
        ["Warming:ManifestInterval"] = "00:02:00",
        ["Warming:MaxManifestEntries"] = "1234",
        ["Warming:WarmOnStart"] = "False",
        ["Warming:BlockStartup"] = "True",
        ["Warming:MaxConcurrency"] = "7",
        ["Warming:MaxBytesPerSecond"] = "1048576",
        ["Warming:ProgressLogInterval"] = "00:00:11",
        ["Warming:RefreshAhead"] = "00:00:30",
        ["Warming:Predict"] = "True",
        ["Warming:PredictionWindow"] = "00:00:03",
        ["Warming:PredictionMaxKeys"] = "5000",
        ["Warming:PredictionMinConfidence"] = "0.4",
        ["Warming:PredictionMinPrecision"] = "0.3",
        ["Writing:MaxPendingBytes"] = "1048576",
        ["Writing:MaxPendingFiles"] = "100",
        ["Writing:FullMode"] = "Fail",
        ["Projects:0:Name"] = "web",
        ["Projects:0:RootPath"] = "/tmp",
        ["Projects:0:IgnoreCase"] = "False", // a root on a case-sensitive file system refuses IgnoreCase: bound as false here,
        ["Projects:0:MaxBytes"] = "65536",
        ["Projects:1:Name"] = "models",
        ["Projects:1:IgnoreCase"] = "True",  // and as true on a project without a root
    };

    [Fact]
    public void AddFileCache_FromConfiguration_BindsEveryOption()
    {
        var options = Bound(EveryOption);

        var leaves = LeafPaths(typeof(FileCacheOptions), prefix: "").ToList();
        var missing = leaves.Where(path => !EveryOption.ContainsKey(path)).ToList();
        Assert.True(missing.Count == 0, "Options not covered by this test: " + string.Join(", ", missing));
        foreach (var (path, text) in EveryOption)
        {
            Assert.True(Matches(Read(options, path), text), $"{path}: bound {Read(options, path)}, configured {text}");
        }

        Assert.Equal([0.6, 0.8], options.Memory.AlertThresholds); // replaced, not appended to the defaults
        Assert.Equal(2, options.Projects.Count);
        Assert.Single(options.Monitoring.Rules);
    }

    [Fact]
    public void AddFileCache_FromConfiguration_WithoutLists_KeepsTheDefaultLists()
    {
        var options = Bound(new Dictionary<string, string?> { ["MaxBytes"] = "1000000" });

        Assert.Equal([0.9, 1.0], options.Memory.AlertThresholds);
        Assert.Equal(1000000, options.MaxBytes);
    }

    [Fact]
    public void AddFileCache_FromJsonFile_BindsTheSampleSettings()
    {
        // samples/FileCache.Writer/appsettings.json; the sample creates its project's root before it starts.
        string json = Path.Combine(AppContext.BaseDirectory, "appsettings.sample.json");
        Directory.CreateDirectory("/tmp/filecache-writer-sample");
        var configuration = new ConfigurationBuilder().AddJsonFile(json).Build();
        var services = new ServiceCollection();
        services.AddFileCache(configuration.GetSection("FileCache"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<FileCacheOptions>>().Value;

        Assert.Equal(512L * 1024 * 1024, options.MaxBytes);
        Assert.Contains(options.Projects, p => p.Name == "notes");
        Assert.Equal([0.8, 0.95], options.Memory.AlertThresholds);
        Assert.Equal(16384, options.Compression.ThresholdBytes);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Writing.WriteBehindDelay);
    }

    [Theory]
    [InlineData("MaxBytes", "0", "FileCacheOptions.MaxBytes ")]
    [InlineData("Writing:RetryDelay", "00:00:00", "FileCacheOptions.Writing.RetryDelay ")]
    [InlineData("Writing:MaxPendingBytes", "0", "FileCacheOptions.Writing.MaxPendingBytes ")]
    [InlineData("Writing:MaxPendingFiles", "-1", "FileCacheOptions.Writing.MaxPendingFiles ")]
    [InlineData("Invalidation:StormThreshold", "0", "FileCacheOptions.Invalidation.StormThreshold")]
    [InlineData("Invalidation:StormMaxDelay", "-00:00:01", "FileCacheOptions.Invalidation.StormMaxDelay")]
    [InlineData("Projects:0:Name", "", "FileCacheOptions.Projects[0]")]
    [InlineData("Memory:PressureThreshold", "0", "FileCacheOptions.Memory.PressureThreshold ")]
    [InlineData("Memory:AlertThresholds:0", "-1", "FileCacheOptions.Memory.AlertThresholds ")]
    [InlineData("Compression:ThresholdBytes", "10", "FileCacheOptions.Compression.ThresholdBytes ")]
    [InlineData("Compression:MinSavings", "1", "FileCacheOptions.Compression.MinSavings ")]
    [InlineData("Compression:Level", "NoCompression", "FileCacheOptions.Compression.Level ")]
    [InlineData("Statistics:HotKeyCount", "0", "FileCacheOptions.Statistics.HotKeyCount ")]
    public async Task StartAsync_InvalidConfiguration_FailsAtStartUp(string key, string value, string messageStart)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        builder.Services.AddFileCache(section);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith(messageStart, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("MaxByts", "100")]          // a typo names no option
    [InlineData("MaxBytes", "lots")]        // does not convert
    [InlineData("EvictionPolicy", "Random")] // no such value
    [InlineData("CompressionThresholdBytes", "4096")] // a flat name from before Compression was nested
    public async Task StartAsync_UnbindableConfiguration_FailsAtStartUp(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        builder.Services.AddFileCache(section);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains(key, ex.ToString(), StringComparison.Ordinal);
    }

    private static FileCacheOptions Bound(Dictionary<string, string?> values)
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddFileCache(section);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<FileCacheOptions>>().Value;
    }

    /// <summary>Every settable option's configuration path (lists at index 0).</summary>
    private static IEnumerable<string> LeafPaths(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            string path = prefix + property.Name;
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var element = propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(IList<>) ? propertyType.GetGenericArguments()[0] : null;
            if (IsCodeOnly(element ?? propertyType))
            {
                // A source, a file provider or a load stage is an object of code (an interface or a delegate): no
                // configuration can create one, so it is set in code and not bound.
                continue;
            }

            if (element is not null)
            {
                foreach (string leaf in IsLeaf(element) ? [path + ":0"] : LeafPaths(element, path + ":0:"))
                {
                    yield return leaf;
                }
            }
            else if (IsLeaf(propertyType))
            {
                if (property.SetMethod?.IsPublic == true)
                {
                    yield return path;
                }
            }
            else if (propertyType.IsClass)
            {
                foreach (string leaf in LeafPaths(propertyType, path + ":"))
                {
                    yield return leaf;
                }
            }
        }
    }

    private static bool IsCodeOnly(Type type) => type.IsInterface || typeof(Delegate).IsAssignableFrom(type);

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan) || type == typeof(decimal)
        || (Nullable.GetUnderlyingType(type) is { } inner && IsLeaf(inner));

    private static object? Read(object root, string path)
    {
        object? current = root;
        foreach (string part in path.Split(':'))
        {
            current = int.TryParse(part, out int index)
                ? ((IList)current!)[index]
                : current!.GetType().GetProperty(part)!.GetValue(current);
        }

        return current;
    }

    private static bool Matches(object? value, string? text) => value switch
    {
        null => string.IsNullOrEmpty(text),
        double d => d == double.Parse(text!, CultureInfo.InvariantCulture),
        IFormattable f => string.Equals(f.ToString(null, CultureInfo.InvariantCulture), text, StringComparison.OrdinalIgnoreCase),
        _ => string.Equals(value.ToString(), text, StringComparison.OrdinalIgnoreCase),
    };
}
