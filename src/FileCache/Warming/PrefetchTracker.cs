namespace FileCache.Warming;

/// <summary>
/// Tracks prefetch precision: a prefetched entry is settled as used when a hit reads it (the hit path's slow branch sets
/// <see cref="PrefetchRecord.Used"/>) and as wasted when it leaves the cache unread. Outstanding records are bounded;
/// each new one settles a few old ones (amortized, no timer). Precision is over decayed counts (halved every 256
/// settled prefetches), so it follows the workload. Below the minimum (after 32 settled) prediction is turned down to
/// one prefetch in eight, which keeps measuring, and back up once precision recovers.
/// </summary>
internal sealed class PrefetchTracker
{
    private const int MaxOutstanding = 4096;
    private const int MinSettled = 32;
    private const int ProbeEvery = 8;

    private readonly object _lock = new();
    private readonly Queue<PrefetchRecord> _outstanding = new();
    private readonly double _minPrecision;
    private double _used;
    private double _wasted;
    private long _probe;

    public PrefetchTracker(double minPrecision) => _minPrecision = minPrecision;

    public long Issued;
    public long UsedTotal;
    public long WastedTotal;
    public long Suppressed;

    /// <summary>True while precision is below the minimum.</summary>
    public bool Throttled { get; private set; }

    /// <summary>Raised (outside the lock) when <see cref="Throttled"/> changes, with the precision that changed it.</summary>
    public Action<bool, double>? ThrottleChanged { get; set; }

    public double Precision
    {
        get
        {
            lock (_lock)
            {
                return _used + _wasted == 0 ? 1 : _used / (_used + _wasted);
            }
        }
    }

    /// <summary>Whether a prediction may be prefetched now (always, unless throttled: then one in eight).</summary>
    public bool Admit()
    {
        lock (_lock)
        {
            Settle(8);
            if (!Throttled || ++_probe % ProbeEvery == 0)
            {
                return true;
            }

            Suppressed++;
            return false;
        }
    }

    /// <summary>Starts tracking a prefetch whose entry was marked.</summary>
    public void Track(PrefetchRecord record)
    {
        lock (_lock)
        {
            Issued++;
            if (_outstanding.Count >= MaxOutstanding)
            {
                // The oldest is judged now: not read in all this time counts as wasted.
                Judge(_outstanding.Dequeue());
            }

            _outstanding.Enqueue(record);
        }
    }

    /// <summary>Settles what can be settled (tests and reports).</summary>
    public void SettleAll()
    {
        lock (_lock)
        {
            Settle(_outstanding.Count);
        }
    }

    private void Settle(int max)
    {
        // Looks at up to max records from the head; one still cached and unread goes back to the tail (order does not matter).
        for (int i = 0; i < max && _outstanding.Count > 0; i++)
        {
            var record = _outstanding.Dequeue();
            if (Volatile.Read(ref record.Used) == 0 && record.Entry is { Linked: true })
            {
                _outstanding.Enqueue(record);
                continue;
            }

            Judge(record);
        }

        Evaluate();
    }

    private void Judge(PrefetchRecord record)
    {
        if (Volatile.Read(ref record.Used) != 0)
        {
            _used++;
            UsedTotal++;
        }
        else
        {
            _wasted++;
            WastedTotal++;
        }

        if (_used + _wasted >= 256)
        {
            _used /= 2;
            _wasted /= 2;
        }
    }

    private void Evaluate()
    {
        if (_used + _wasted < MinSettled && !Throttled)
        {
            return;
        }

        double precision = _used + _wasted == 0 ? 1 : _used / (_used + _wasted);
        bool throttle = precision < _minPrecision;
        if (throttle != Throttled)
        {
            Throttled = throttle;
            var changed = ThrottleChanged;
            if (changed is not null)
            {
                // Rare (a state change); the handler only logs.
                ThreadPool.UnsafeQueueUserWorkItem(s => changed(s.throttle, s.precision), (throttle, precision), preferLocal: false);
            }
        }
    }
}
