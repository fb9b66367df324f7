using FileCache.Redis;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Validates <see cref="RedisCoherenceOptions"/> once, at start-up: one message per invalid field.</summary>
internal sealed class RedisCoherenceOptionsValidator : IValidateOptions<RedisCoherenceOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisCoherenceOptions options)
    {
        var failures = Check(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static IEnumerable<string> Check(RedisCoherenceOptions o)
    {
        if (o.ConnectionFactory is null && string.IsNullOrWhiteSpace(o.Configuration))
        {
            yield return "RedisCoherenceOptions.Configuration or RedisCoherenceOptions.ConnectionFactory is required.";
        }

        if (string.IsNullOrEmpty(o.ClusterName) || o.ClusterName.Length > 64 || !o.ClusterName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            yield return "RedisCoherenceOptions.ClusterName must be 1 to 64 letters, digits, '-', '_' or '.'.";
        }

        if (o.NodeId is { } id && (id.Length == 0 || id.Length > 128 || id.Any(char.IsControl)))
        {
            yield return "RedisCoherenceOptions.NodeId must be 1 to 128 characters without control characters.";
        }

        if (o.AdvertisedAddress is { } address
            && (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            yield return "RedisCoherenceOptions.AdvertisedAddress must be an absolute http or https URI.";
        }

        if (o.LeaseDuration < TimeSpan.FromMilliseconds(100))
        {
            yield return "RedisCoherenceOptions.LeaseDuration must be at least 100 ms.";
        }

        if (o.LeaseRenewInterval is { } renew && (renew <= TimeSpan.Zero || renew * 2 >= o.LeaseDuration))
        {
            yield return "RedisCoherenceOptions.LeaseRenewInterval must be positive and less than half of LeaseDuration.";
        }

        if (double.IsNaN(o.ClockRateErrorBound) || o.ClockRateErrorBound < 0 || o.ClockRateErrorBound > 0.5)
        {
            yield return "RedisCoherenceOptions.ClockRateErrorBound must be between 0 and 0.5.";
        }

        if (o.PollInterval <= TimeSpan.Zero || o.PollInterval >= o.LeaseDuration)
        {
            yield return "RedisCoherenceOptions.PollInterval must be positive and less than LeaseDuration.";
        }

        if (o.AcknowledgementTimeout <= TimeSpan.Zero)
        {
            yield return "RedisCoherenceOptions.AcknowledgementTimeout must be positive.";
        }

        if (o.RevalidationInterval <= TimeSpan.Zero)
        {
            yield return "RedisCoherenceOptions.RevalidationInterval must be positive.";
        }

        if (o.MaxLogLength < 16)
        {
            yield return "RedisCoherenceOptions.MaxLogLength must be at least 16.";
        }

        if (o.L2Expiration <= TimeSpan.Zero)
        {
            yield return "RedisCoherenceOptions.L2Expiration must be positive.";
        }

        if (o.L2MaxFileBytes <= 0)
        {
            yield return "RedisCoherenceOptions.L2MaxFileBytes must be positive.";
        }
    }
}
