using FileCache.Warming;

namespace FileCache.Redis.Warming;

/// <summary>
/// Options of <c>AddRedisHotSets</c>: how much of each node's hot set goes to the server, and how old a node's hot set
/// may be to be merged into the cluster's. Checked when they are registered.
/// </summary>
public sealed class RedisHotSetOptions
{
    /// <summary>Gets or sets the most entries of one project's hot set a node publishes (its hottest).</summary>
    /// <value>Defaults to 10,000. Between 1 and <see cref="HotSetManifest.MaxEntries"/>.</value>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets how old (by when it was taken) a node's published hot set may be and still be merged into the
    /// cluster's; older ones are removed from the server when found.
    /// </summary>
    /// <value>Defaults to 7 days. Positive.</value>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets the most nodes' hot sets merged (the most recently taken).</summary>
    /// <value>Defaults to 16. Between 1 and 1,024.</value>
    public int MaxNodes { get; set; } = 16;

    internal void Validate()
    {
        if (MaxEntries is < 1 or > HotSetManifest.MaxEntries)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxEntries), MaxEntries, $"RedisHotSetOptions.MaxEntries must be between 1 and {HotSetManifest.MaxEntries}.");
        }

        if (MaxAge <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAge), MaxAge, "RedisHotSetOptions.MaxAge must be positive.");
        }

        if (MaxNodes is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxNodes), MaxNodes, "RedisHotSetOptions.MaxNodes must be between 1 and 1024.");
        }
    }
}
