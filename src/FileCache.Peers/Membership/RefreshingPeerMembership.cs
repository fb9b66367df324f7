using Microsoft.Extensions.Logging;

namespace FileCache.Peers.Membership;

/// <summary>
/// A membership read from elsewhere every interval (a <see cref="TimeProvider"/> timer): DNS or the coherence layer's
/// member table. A failed read keeps the last view (a node that left is dropped at the first read that succeeds after its
/// lease ran out, or its name stopped resolving). One read at a time; the first starts at once.
/// </summary>
internal abstract class RefreshingPeerMembership : IPeerMembership, IDisposable
{
    private readonly ITimer _timer;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private IReadOnlyList<PeerNode> _members = [];
    private int _running;
    private long _refreshes;

    private readonly TimeSpan _interval;

    protected RefreshingPeerMembership(TimeProvider time, TimeSpan interval, ILogger logger)
    {
        _logger = logger;
        _interval = interval;
        _timer = time.CreateTimer(static state => ((RefreshingPeerMembership)state!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Starts the reads (the first at once), once the derived class is constructed.</summary>
    public RefreshingPeerMembership Start()
    {
        _timer.Change(TimeSpan.Zero, _interval);
        return this;
    }

    public IReadOnlyList<PeerNode> Members => Volatile.Read(ref _members);

    /// <summary>Gets how many reads completed (successfully or not); tests wait on it.</summary>
    public long Refreshes => Interlocked.Read(ref _refreshes);

    /// <summary>Reads the members now (the timer calls it; tests may too).</summary>
    public async Task RefreshAsync()
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            return;
        }

        try
        {
            var members = await ReadAsync(_stop.Token).ConfigureAwait(false);
            if (!SameMembers(members, Volatile.Read(ref _members)))
            {
                Volatile.Write(ref _members, members);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A failed read keeps the last view; it is logged, and the next tick retries.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            PeerLog.MembershipFailed(_logger, ex, GetType().Name);
        }
        finally
        {
            Interlocked.Increment(ref _refreshes);
            Volatile.Write(ref _running, 0);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _stop.Cancel();
        _stop.Dispose();
    }

    protected abstract Task<IReadOnlyList<PeerNode>> ReadAsync(CancellationToken cancellationToken);

    private void Tick() => _ = RefreshAsync();

    private static bool SameMembers(IReadOnlyList<PeerNode> a, IReadOnlyList<PeerNode> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (int i = 0; i < a.Count; i++)
        {
            if (!a[i].Equals(b[i]))
            {
                return false;
            }
        }

        return true;
    }
}
