using Microsoft.Extensions.Options;

namespace FileCache.Tests.Validation;

/// <summary>The eviction, expiration, compression and memory-pressure options fail at start-up, one message per field.</summary>
public class MemoryOptionsValidationTests
{
    [Fact]
    public void Create_EveryMemoryOptionInvalid_ThrowsWithOneFailurePerField()
    {
        var options = new FileCacheOptions
        {
            EvictionPolicy = (EvictionPolicy)7,
            ExpirationScanInterval = TimeSpan.Zero,
            MaxExpirationsPerScan = 0,
            Compression = { ThresholdBytes = 10, MinSavings = 1.5, Level = System.IO.Compression.CompressionLevel.NoCompression },
            Memory = { CheckInterval = TimeSpan.FromSeconds(-1), PressureThreshold = 0, MinBudgetFraction = 2 },
        }.AddProject("p", null);
        options.Memory.AlertThresholds.Add(double.NaN);

        var ex = Assert.Throws<OptionsValidationException>(() => FileCacheFactory.Create(options));

        string[] fields =
        [
            "EvictionPolicy", "ExpirationScanInterval", "MaxExpirationsPerScan", "Compression.ThresholdBytes", "Compression.MinSavings", "Compression.Level",
            "Memory.CheckInterval", "Memory.PressureThreshold", "Memory.MinBudgetFraction", "Memory.AlertThresholds",
        ];
        Assert.Equal(fields.Length, ex.Failures.Count());
        foreach (string field in fields)
        {
            Assert.Single(ex.Failures, f => f.StartsWith($"FileCacheOptions.{field} ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Create_Defaults_AreValid()
    {
        using var cache = FileCacheFactory.Create(new FileCacheOptions().AddProject("p", null));
        var status = cache.GetStatistics().Memory;
        Assert.Equal(FileCacheOptions.DefaultMaxBytes, status.ConfiguredBudgetBytes);
        Assert.Equal(FileCacheOptions.DefaultMaxBytes, status.EffectiveBudgetBytes);
    }
}
