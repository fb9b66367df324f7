using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FileCache.Redis.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void AddRedisCoherence_InvalidOptions_FailWithOneMessagePerField()
    {
        var services = new ServiceCollection();
        services.AddFileCache().AddRedisCoherence(o =>
        {
            o.ClusterName = "bad name";
            o.LeaseDuration = TimeSpan.FromMilliseconds(10);
            o.MaxLogLength = 1;
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IRedisCoherence>());

        Assert.Contains(error.Failures, f => f.Contains("Configuration", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("ClusterName", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("LeaseDuration", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MaxLogLength", StringComparison.Ordinal));
    }

    [Fact]
    public void AddRedisCoherence_NullArguments_Throw()
    {
        var builder = new ServiceCollection().AddFileCache();
        Assert.Throws<ArgumentNullException>("configure", () => builder.AddRedisCoherence((Action<RedisCoherenceOptions>)null!));
        Assert.Throws<ArgumentException>("configuration", () => builder.AddRedisCoherence(" "));
    }
}
