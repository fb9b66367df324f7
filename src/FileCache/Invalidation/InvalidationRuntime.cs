using System.Collections.Concurrent;
using FileCache.Internal;
using FileCache.Sources;
using FileCache.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FileCache.Invalidation;

/// <summary>The cache's invalidation settings (copied from the options once) and state: strategies, hooks, counters, watchers, coarse clock.</summary>
internal sealed class InvalidationRuntime : IDisposable
{
    /// <summary>Files written this close to when they were read may change again without a visible version change (timestamp resolution).</summary>
    public static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    private static readonly IInvalidationStrategy[] BuiltIn =
        [new KeyStrategy(), new DirectoryStrategy(), new GlobStrategy(), new ProjectStrategy(), new TagStrategy(), new OlderThanStrategy(), new AllStrategy()];

    public InvalidationRuntime(InvalidationOptions options, TimeProvider time, IEnumerable<IInvalidationStrategy>? strategies, IEnumerable<IInvalidationHook>? hooks, ILogger? logger)
    {
        Mode = options.Mode;
        Watch = (options.Mode & ValidationMode.Watch) != 0;
        ValidateOnRead = (options.Mode & ValidationMode.ValidateOnRead) != 0;
        UsePolling = options.UsePolling;
        Debounce = options.WatcherDebounce;
        PollingInterval = options.PollingInterval;
        SynchronizeTimeout = options.SynchronizeTimeout;
        WatcherRetryInterval = options.WatcherRetryInterval;
        StormThreshold = options.StormThreshold;
        StormMaxDelay = options.StormMaxDelay;
        ComputeContentHash = options.ComputeContentHash;
        MaxStaleTicks = TimestampTicks.From(options.MaxStaleness, time);
        RetryTicks = TimestampTicks.From(options.RefreshRetryDelay, time);
        Strategies = [.. strategies ?? [], .. BuiltIn];
        Hooks = hooks?.ToArray() ?? [];
        Logger = logger ?? NullLogger.Instance;
        if (ValidateOnRead && options.ValidationInterval > TimeSpan.Zero)
        {
            // Trusted for the whole interval from a timestamp that is never late (the coarse clock when a load started, or
            // the precise clock before a check's stat). The coarse clock lags: a hit within its margin of the deadline
            // reads the precise clock, so a read that starts a full interval after the last check always checks again,
            // whatever the coarse clock's step or lag.
            var period = TimeSpan.FromTicks(Math.Clamp(options.ValidationInterval.Ticks / 8, TimeSpan.TicksPerMillisecond, 50 * TimeSpan.TicksPerMillisecond));
            Clock = new CoarseClock(time, period);
            TrustTicks = TimestampTicks.From(options.ValidationInterval, time);
        }
        else
        {
            Clock = CoarseClock.Frozen;
            TrustTicks = long.MinValue / 4;
        }
    }

    public ValidationMode Mode { get; }

    public bool Watch { get; }

    public bool ValidateOnRead { get; }

    public bool UsePolling { get; }

    public TimeSpan Debounce { get; }

    public TimeSpan PollingInterval { get; }

    public TimeSpan SynchronizeTimeout { get; }

    public TimeSpan WatcherRetryInterval { get; }

    public int StormThreshold { get; }

    /// <summary>How long a storm's batch may be held (see <see cref="InvalidationOptions.StormMaxDelay"/>); zero: not held.</summary>
    public TimeSpan StormMaxDelay { get; }

    public bool ComputeContentHash { get; }

    public long MaxStaleTicks { get; }

    public long RetryTicks { get; }

    /// <summary>Timestamp ticks a checked file entry is trusted (the interval); negative (never trusted) when the interval is zero.</summary>
    public long TrustTicks { get; }

    public CoarseClock Clock { get; }

    public IInvalidationStrategy[] Strategies { get; }

    public IInvalidationHook[] Hooks { get; }

    public ILogger Logger { get; }

    public InvalidationCounters Counters { get; } = new();

    public ConcurrentDictionary<Partition, ProjectWatcher> Watchers { get; } = new(Environment.ProcessorCount, 0);

    /// <summary>Creates the file-system watchers (tests replace it to simulate a watcher that cannot start).</summary>
    public Func<string, FileSystemWatcher> WatcherFactory { get; set; } = static root => new FileSystemWatcher(root);

    /// <summary>Reloads file entries after a soft invalidation; created on first use.</summary>
    public EntryRefresher? DiskRefresher { get; set; }

    public void Dispose()
    {
        Clock.Dispose();
        foreach (var watcher in Watchers.Values)
        {
            watcher.Dispose();
        }

        Watchers.Clear();
    }
}

/// <summary>Invalidation counters. Bumped with Interlocked (never on the hit path, but for stale hits), summed into a snapshot on read.</summary>
internal sealed class InvalidationCounters
{
    public readonly long[] ByCause = new long[7];
    public long Requests;
    public long Vetoes;
    public long HookFailures;
    public long Overflows;
    public long PollingFallbacks;
    public long Storms;
    public long StaleServed;
    public long Refreshes;
    public long RefreshFailures;
    public long UnchangedKept;

    /// <summary>The sequence number of the last applied invalidation; written under the store lock only.</summary>
    public long Sequence;

    public void Count(InvalidationCause cause, long n = 1) => Interlocked.Add(ref ByCause[(int)cause], n);

    public InvalidationStatistics Snapshot(long expired)
    {
        long[] byCause = new long[ByCause.Length];
        for (int i = 0; i < byCause.Length; i++)
        {
            byCause[i] = Volatile.Read(ref ByCause[i]);
        }

        byCause[(int)InvalidationCause.Expiry] += expired;
        return new InvalidationStatistics(
            byCause,
            Volatile.Read(ref Requests),
            Volatile.Read(ref Vetoes),
            Volatile.Read(ref HookFailures),
            Volatile.Read(ref Overflows),
            Volatile.Read(ref PollingFallbacks),
            Volatile.Read(ref Storms),
            Volatile.Read(ref StaleServed),
            Volatile.Read(ref Refreshes),
            Volatile.Read(ref UnchangedKept),
            Volatile.Read(ref RefreshFailures))
        {
            LastSequence = Volatile.Read(ref Sequence),
        };
    }
}
