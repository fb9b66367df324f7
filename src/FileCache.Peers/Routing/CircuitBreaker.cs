namespace FileCache.Peers.Routing;

/// <summary>
/// One owner's circuit: closed while calls succeed; open for <see cref="PeerOptions.BreakerBreakDuration"/> after
/// <see cref="PeerOptions.BreakerFailureThreshold"/> consecutive failures (calls are skipped: the load is local); then one
/// trial call at a time (half open) closes it again or reopens it. Times from the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class CircuitBreaker
{
    private readonly int _threshold;
    private readonly long _breakTicks;
    private readonly TimeProvider _time;
    private int _failures;
    private long _openUntil;
    private int _trial;

    public CircuitBreaker(int threshold, TimeSpan breakDuration, TimeProvider time)
    {
        _threshold = threshold;
        _time = time;
        _breakTicks = (long)(breakDuration.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Gets a value indicating whether the circuit is open (calls skipped).</summary>
    public bool IsOpen => Volatile.Read(ref _failures) >= _threshold && _time.GetTimestamp() < Volatile.Read(ref _openUntil);

    /// <summary>True when a call may go: closed, or half open and no other trial is under way.</summary>
    public bool TryEnter()
    {
        if (Volatile.Read(ref _failures) < _threshold)
        {
            return true;
        }

        if (_time.GetTimestamp() < Volatile.Read(ref _openUntil))
        {
            return false;
        }

        // Half open: one trial call; the others keep loading locally until it answers.
        return Interlocked.CompareExchange(ref _trial, 1, 0) == 0;
    }

    public void Succeeded()
    {
        Volatile.Write(ref _failures, 0);
        Volatile.Write(ref _trial, 0);
    }

    /// <summary>Counts a failure; true when this one opened the circuit.</summary>
    public bool Failed()
    {
        int failures = Interlocked.Increment(ref _failures);
        if (failures >= _threshold)
        {
            Volatile.Write(ref _openUntil, _time.GetTimestamp() + _breakTicks);
            Volatile.Write(ref _trial, 0);
            return failures == _threshold;
        }

        return false;
    }
}
