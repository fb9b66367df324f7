using FileCache.Peers;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Validates <see cref="PeerOptions"/> once, at start-up: one message per invalid field.</summary>
internal sealed class PeerOptionsValidator : IValidateOptions<PeerOptions>
{
    public ValidateOptionsResult Validate(string? name, PeerOptions options)
    {
        var failures = Check(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static IEnumerable<string> Check(PeerOptions o)
    {
        int sources = (o.Members.Count > 0 ? 1 : 0) + (o.DnsName is not null ? 1 : 0) + (o.UseClusterMembership ? 1 : 0) + (o.MembershipFactory is not null ? 1 : 0);
        if (sources != 1)
        {
            yield return "PeerOptions needs exactly one membership source: Members, DnsName, UseClusterMembership or MembershipFactory.";
        }

        if (o.NodeId is null ? !o.UseClusterMembership : (o.NodeId.Length == 0 || o.NodeId.Length > 256 || o.NodeId.Any(char.IsControl)))
        {
            yield return "PeerOptions.NodeId must be 1 to 256 characters without control characters (it may be left empty only with UseClusterMembership).";
        }

        if (o.SharedKey is null || o.SharedKey.Length < 32)
        {
            yield return "PeerOptions.SharedKey is required and must be at least 32 bytes.";
        }

        if (o.Members.Any(static m => m is null))
        {
            yield return "PeerOptions.Members must not hold null.";
        }
        else if (o.Members.Select(static m => m.Id).Distinct(StringComparer.Ordinal).Count() != o.Members.Count)
        {
            yield return "PeerOptions.Members must have distinct ids.";
        }

        if (o.DnsName is { } dns && (string.IsNullOrWhiteSpace(dns) || Uri.CheckHostName(dns) == UriHostNameType.Unknown))
        {
            yield return "PeerOptions.DnsName must be a host name.";
        }

        if (o.DnsPort is < 1 or > 65535)
        {
            yield return "PeerOptions.DnsPort must be between 1 and 65535.";
        }

        if (o.DnsScheme is not ("http" or "https"))
        {
            yield return "PeerOptions.DnsScheme must be http or https.";
        }

        if (o.DnsRefreshInterval < TimeSpan.FromMilliseconds(100) || o.MembershipRefreshInterval < TimeSpan.FromMilliseconds(10))
        {
            yield return "PeerOptions.DnsRefreshInterval must be at least 100 ms and MembershipRefreshInterval at least 10 ms.";
        }

        if (o.MaxRequestAge <= TimeSpan.Zero)
        {
            yield return "PeerOptions.MaxRequestAge must be positive.";
        }

        if (o.ReplicaCount is < 1 or > 16)
        {
            yield return "PeerOptions.ReplicaCount must be between 1 and 16.";
        }

        if (o.ConnectTimeout <= TimeSpan.Zero || o.RequestTimeout <= TimeSpan.Zero || o.ConnectTimeout > o.RequestTimeout)
        {
            yield return "PeerOptions.ConnectTimeout and RequestTimeout must be positive, ConnectTimeout no longer than RequestTimeout.";
        }

        if (o.CatchUpTimeout <= TimeSpan.Zero || o.CatchUpTimeout >= o.RequestTimeout)
        {
            yield return "PeerOptions.CatchUpTimeout must be positive and less than RequestTimeout.";
        }

        if (o.BreakerFailureThreshold < 1 || o.BreakerBreakDuration <= TimeSpan.Zero)
        {
            yield return "PeerOptions.BreakerFailureThreshold must be at least 1 and BreakerBreakDuration positive.";
        }

        if (o.MaxFileBytes < 1)
        {
            yield return "PeerOptions.MaxFileBytes must be positive.";
        }

        if (!double.IsFinite(o.HotKeyThreshold) || o.HotKeyThreshold < 0)
        {
            yield return "PeerOptions.HotKeyThreshold must be zero or positive.";
        }

        if (!double.IsFinite(o.MirrorBudgetShare) || o.MirrorBudgetShare is <= 0 or > 1)
        {
            yield return "PeerOptions.MirrorBudgetShare must be in (0, 1].";
        }

        if (string.IsNullOrEmpty(o.PathPrefix) || o.PathPrefix[0] != '/' || o.PathPrefix.IndexOfAny(['{', '}', '?', '#', '*', '\\', '%']) >= 0)
        {
            yield return "PeerOptions.PathPrefix must be a plain path starting with '/'.";
        }
    }
}
