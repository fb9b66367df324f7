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
            CompressionThresholdBytes = 10,
            MinCompressionSavings = 1.5,
            MemoryCheckInterval = TimeSpan.FromSeconds(-1),
            MemoryPressureThreshold = 0,
            MinBudgetFraction = 2,
        }.AddProject("p", null);
        options.MemoryAlertThresholds.Add(double.NaN);

        var ex = Assert.Throws<OptionsValidationException>(() => FileCacheFactory.Create(options));

        string[] fields =
        [
            "EvictionPolicy", "ExpirationScanInterval", "MaxExpirationsPerScan", "CompressionThresholdBytes", "MinCompressionSavings",
            "MemoryCheckInterval", "MemoryPressureThreshold", "MinBudgetFraction", "MemoryAlertThresholds",
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
