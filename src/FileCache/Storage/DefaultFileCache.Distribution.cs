using System.Runtime.CompilerServices;
using FileCache.Internal;
using FileCache.Invalidation;
using FileCache.Sources;

namespace FileCache.Storage;

/// <summary>
/// The seam of a distributed layer (<see cref="IInvalidationPublisher"/>): every applied invalidation is handed to it,
/// <see cref="InvalidateAsync"/> waits for it, and it drives <see cref="ICoherenceTarget"/>: remote invalidations through
/// the same path as local ones, demotion (entries checked against their source before their next hit) and the
/// verify-every-read mode of a node that cannot vouch for its entries. See <c>Internal/readme.md</c>.
/// </summary>
internal sealed partial class DefaultFileCache : ICoherenceTarget
{
    /// <summary>Set while this thread applies a remote invalidation: it is not handed back to the publisher.</summary>
    [ThreadStatic]
    private static bool t_applyingRemote;

    private readonly IInvalidationPublisher? _publisher;
    private volatile bool _verifyEveryRead;

    // The read lease (TrustUntil): long.MaxValue while none is set. _trustedUntilMs is what a hit reads (Trusted):
    // long.MaxValue with no lease (a single node: one compare); under a lease on the system clock, the deadline less the
    // coarse clock's lag margin in Environment.TickCount64 milliseconds (one compare and one coarse clock read, no call
    // into StillTrusted while the lease holds); long.MinValue under any other clock (every hit asks StillTrusted).
    // _trustedUntilFast is the same bound in timestamp units; StillTrusted takes the precise answer near or past it.
    private long _trustedUntil = long.MaxValue;
    private long _trustedUntilFast = long.MaxValue;
    private long _trustedUntilMs = long.MaxValue;
    private Internal.CoarseClock? _trustClock;

    /// <inheritdoc/>
    public void TrustUntil(long timestamp)
    {
        ThrowIfDisposed();
        if (timestamp != long.MaxValue && Volatile.Read(ref _trustClock) is null)
        {
            var clock = new Internal.CoarseClock(_time, TimeSpan.FromMilliseconds(10));
            if (Interlocked.CompareExchange(ref _trustClock, clock, null) is not null)
            {
                clock.Dispose();
            }
        }

        // The fast bounds first: a reader that sees the new deadline also sees fast bounds no later than it.
        var trustClock = _trustClock!;
        long fast = timestamp == long.MaxValue ? long.MaxValue : timestamp - trustClock.Margin;
        Volatile.Write(ref _trustedUntilFast, fast);
        Volatile.Write(
            ref _trustedUntilMs,
            timestamp == long.MaxValue ? long.MaxValue : trustClock.TimestampsPerMillisecond != 0 ? fast / trustClock.TimestampsPerMillisecond : long.MinValue);
        Volatile.Write(ref _trustedUntil, timestamp);
    }

    /// <summary>
    /// Whether a hit may serve <paramref name="entry"/> as far as the read lease goes: always with no lease set; under a
    /// lease on the system clock, while the coarse clock is more than its margin before the deadline (no call); otherwise
    /// what <see cref="StillTrusted"/> says.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Trusted(CacheEntry entry)
    {
        long until = Volatile.Read(ref _trustedUntilMs);
        return until == long.MaxValue || Internal.CoarseClock.SystemMilliseconds < until || StillTrusted(entry);
    }

    /// <summary>
    /// A hit under a read lease: served on trust while the lease holds. Past it (a process paused past its lease and
    /// resumed before its lease timer ran, for example), the read checks instead: a cached file is served only if its
    /// source's version still matches (a changed one is invalidated and loaded again); any other value is a miss, so its
    /// loader runs again. Nothing is served unverified after the deadline, whatever the timers did.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool StillTrusted(CacheEntry entry)
    {
        var clock = Volatile.Read(ref _trustClock);
        if (clock is null || clock.Now < Volatile.Read(ref _trustedUntilFast) || clock.Precise() < Volatile.Read(ref _trustedUntil))
        {
            return true;
        }

        Interlocked.Increment(ref _leaseLapsedReads);
        var partition = entry.Partition;
        if (!partition.IsPhysical || entry.Variant is not null
            || !Compression.CompressedFile.TryGetFileMetadata(entry.Value, out string fullPath, out FileVersion version, out bool racy))
        {
            return false;
        }

        // A file read within its timestamp granularity of a write is not trusted on its stat alone: a rewrite since may
        // have left its length and last-write time as they were.
        return SourceStillMatches(entry, fullPath, version, racy);
    }

    /// <summary>
    /// True when a read lease is set and has run out: a load in flight then is not joined (it may have read before an
    /// invalidation the other nodes were told was acknowledged while this node could not hear it). Off the hit path.
    /// </summary>
    private bool LeaseLapsed()
    {
        long until = Volatile.Read(ref _trustedUntil);
        return until != long.MaxValue && Volatile.Read(ref _trustClock) is { } clock && clock.Precise() >= until;
    }

    /// <summary>Hits checked because the read lease had run out (see <see cref="StillTrusted"/>); for tests and status.</summary>
    internal long LeaseLapsedReads => Volatile.Read(ref _leaseLapsedReads);

    private long _leaseLapsedReads;

    /// <inheritdoc/>
    public bool VerifyEveryRead
    {
        get => _verifyEveryRead;
        set
        {
            ThrowIfDisposed();
            if (value)
            {
                // The flag first: an entry inserted from now on is checked on every hit; the demotion then covers those before.
                _verifyEveryRead = true;
                Demote(null, keepUncheckable: false);
            }
            else
            {
                _verifyEveryRead = false;
            }
        }
    }

    /// <inheritdoc/>
    public InvalidationResult ApplyRemote(InvalidationRequest request, InvalidationCause cause, bool isDeletion)
    {
        ArgumentNullException.ThrowIfNull(request);
        if ((uint)cause > (uint)InvalidationCause.Overflow)
        {
            Throw.Argument($"Unknown invalidation cause {cause}.", nameof(cause));
        }

        return ApplyRemote(cause == request.Cause && isDeletion == request.IsDeletion ? request : request.With(cause, isDeletion));
    }

    /// <inheritdoc/>
    public InvalidationResult ApplyRemote(InvalidationRequest request)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(request);
        t_applyingRemote = true;
        try
        {
            return InvalidateCore(request, FindTarget(request));
        }
        finally
        {
            t_applyingRemote = false;
        }
    }

    /// <inheritdoc/>
    public int Demote(string? project = null, bool keepUncheckable = false)
    {
        ThrowIfDisposed();
        Partition[] partitions = project is null ? _partitions.All : [GetPartition(project)];
        int count = 0;
        var sink = NewSink();
        lock (_store.Lock)
        {
            foreach (var partition in partitions)
            {
                if (!keepUncheckable)
                {
                    // Loads under way may have read before a missed invalidation: they return to their callers, uncached.
                    partition.Generation++;
                }

                foreach (var entry in partition.Map.Entries())
                {
                    if (partition.IsPhysical && entry.Key.Variant is null && Compression.CompressedFile.TryGetFileMetadata(entry.Value, out _, out _, out _))
                    {
                        var coherence = entry.Coherence ??= new EntryCoherence();
                        Volatile.Write(ref coherence.NextValidate, long.MinValue);
                        coherence.ValidateFile = true;

                        // Published last: a reader that sees the flag sees the state above.
                        Volatile.Write(ref entry.CanExpire, true);
                        count++;
                    }
                    else if (!keepUncheckable && entry.Value is not MissingFile)
                    {
                        count += _store.RemoveEntryLocked(entry, RemovalReason.Invalidated, sink) ? 1 : 0;
                    }
                    else if (!keepUncheckable)
                    {
                        _store.RemoveEntryLocked(entry, RemovalReason.Invalidated, sink);
                    }
                }
            }
        }

        Raise(sink);
        return count;
    }

    /// <summary>After a demoted entry's check found the file unchanged: trusted again as the mode says. Caller holds no lock.</summary>
    private void RestoreTrust(CacheEntry entry, EntryCoherence coherence, long now)
    {
        if (_verifyEveryRead)
        {
            // Every hit checks: the next one is already due.
            Volatile.Write(ref coherence.NextValidate, long.MinValue);
            return;
        }

        if (_inv.ValidateOnRead)
        {
            Volatile.Write(ref coherence.NextValidate, now + _inv.TrustTicks);
            return;
        }

        // Watching alone: the entry was demoted; once checked it is trusted like any watched entry, and its hit takes the
        // fast path again. Under the store lock, so a soft invalidation (which marks it stale under the lock) is not undone.
        lock (_store.Lock)
        {
            coherence.ValidateFile = false;
            if (!entry.HasExpiry && Volatile.Read(ref coherence.StaleSince) == 0 && entry.Value is not MissingFile)
            {
                Volatile.Write(ref entry.CanExpire, false);
            }
        }
    }

    /// <summary>Hands an applied invalidation to the publisher (never one applied for it, never a vetoed one); isolated like a hook.</summary>
    private void Publish(InvalidationRequest request, in InvalidationResult result)
    {
        if (_publisher is not { } publisher || t_applyingRemote || result.Vetoed)
        {
            return;
        }

        try
        {
            publisher.OnApplied(request, result);
        }
#pragma warning disable CA1031 // Isolated like a hook: counted and logged, the local invalidation stands.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _inv.Counters.HookFailures);
            InvalidationLog.HookFailed(_inv.Logger, ex, publisher.GetType().Name, "published", request);
        }
    }

    /// <summary>The rest of <see cref="InvalidateAsync"/> with a publisher: its answer (acknowledged, timed out...) is the caller's.</summary>
    private ValueTask<InvalidationResult> CompleteAsync(InvalidationRequest request, InvalidationResult result, CancellationToken cancellationToken) =>
        _publisher is { } publisher && !result.Vetoed ? publisher.CompleteAsync(request, result, cancellationToken) : new(result);

    /// <summary>While every read is verified, only entries that a hit checks against their source are cached. Caller holds the store lock.</summary>
    private bool RefusedWhileUnverified(CacheEntry entry) => _verifyEveryRead && entry.Coherence is not { ValidateFile: true };
}
