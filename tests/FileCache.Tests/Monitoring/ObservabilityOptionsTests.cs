using FileCache.Monitoring;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Monitoring;

public class ObservabilityOptionsTests
{
    public static TheoryData<string, Action<FileCacheOptions>> Invalid => new()
    {
        { "FileCacheOptions.Statistics.HitSampleRate", o => o.Statistics.HitSampleRate = 3 },
        { "FileCacheOptions.Statistics.HitSampleRate", o => o.Statistics.HitSampleRate = 0 },
        { "FileCacheOptions.Statistics.HitTimingRate", o => o.Statistics.HitTimingRate = 32 },
        { "FileCacheOptions.Statistics.HotKeyCount", o => o.Statistics.HotKeyCount = 0 },
        { "FileCacheOptions.Statistics.HistoryInterval", o => o.Statistics.HistoryInterval = TimeSpan.FromMilliseconds(1) },
        { "FileCacheOptions.Statistics.HistoryCapacity", o => o.Statistics.HistoryCapacity = 1 },
        { "FileCacheOptions.Monitoring.Rules[0].Name", o => o.Monitoring.Rules.Add(new AlertRule()) },
        { "FileCacheOptions.Monitoring.Rules[0].Name", o => o.Monitoring.Rules.Add(new AlertRule { Name = BuiltInAlertRules.SlowLoads }) },
        { "FileCacheOptions.Monitoring.Rules[0].Threshold", o => o.Monitoring.Rules.Add(new AlertRule { Name = "r", Threshold = double.NaN }) },
        { "FileCacheOptions.Monitoring.Rules[0].ResolveThreshold", o => o.Monitoring.Rules.Add(new AlertRule { Name = "r", Threshold = 1, ResolveThreshold = 2 }) },
        { "FileCacheOptions.Monitoring.Rules[0].Metric", o => o.Monitoring.Rules.Add(new AlertRule { Name = "r", Metric = (AlertMetric)99 }) },
        { "FileCacheOptions.Monitoring.Rules[0].Window", o => o.Monitoring.Rules.Add(new AlertRule { Name = "r", Window = TimeSpan.FromSeconds(-1) }) },
        { "FileCacheOptions.Monitoring.Rules[0].Duration", o => o.Monitoring.Rules.Add(new AlertRule { Name = "r", Duration = TimeSpan.FromSeconds(-1) }) },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Create_InvalidObservabilityOption_FailsNamingTheField(string field, Action<FileCacheOptions> configure)
    {
        var options = new FileCacheOptions();
        configure(options);
        var ex = Assert.Throws<OptionsValidationException>(() => FileCacheFactory.Create(options, new FakeTimeProvider()));
        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith(field + " ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RulesAreCopied_LaterChangesHaveNoEffect()
    {
        var rule = new AlertRule { Name = "mine", Metric = AlertMetric.MemoryUsage, Threshold = 0.5 };
        var options = new FileCacheOptions();
        options.Monitoring.Rules.Add(rule);
        using var cache = FileCacheFactory.Create(options, new FakeTimeProvider());
        rule.Threshold = 0.9;
        var rules = CacheMonitor.For(cache).Rules;
        Assert.Equal(6, rules.Count);
        Assert.Equal(0.5, rules[^1].Threshold);
        rules[^1].Threshold = 0.1;
        Assert.Equal(0.5, CacheMonitor.For(cache).Rules[^1].Threshold);
    }
}
