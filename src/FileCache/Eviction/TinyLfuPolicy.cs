using FileCache.Storage;

namespace FileCache.Eviction;

/// <summary>
/// W-TinyLFU over a byte budget, with CLOCK marks instead of list moves so that a hit stays a plain field write.
/// New entries enter a small <em>window</em>; what overflows the window becomes a <em>candidate</em> for the main
/// region, which is split into <em>probation</em> and <em>protected</em>. When the budget is exceeded, the
/// candidate and the probation victim are compared by their estimated frequency (<see cref="FrequencySketch"/>)
/// and the less popular one goes. Hits are counted on the entry (<see cref="CacheEntry.Hits"/>, saturating) and
/// folded into the sketch when the evictor next looks at the entry; misses are counted at insert. The window's
/// share adapts: a hill climber moves it from the hit ratio of each sample of requests, and short-range ghost
/// regrets nudge it at once (a miss on a key just turned away grows it; on a key just displaced, shrinks it).
/// Both nudges are bounded: the window never holds less than one entry, and a returning key grows it only when some
/// window could have kept that key (its reuse distance, in requests, is below the entries held), so that a loop just
/// longer than the cache cannot feed the window its own regrets. Everything here runs under the store lock; readers
/// never touch it.
/// </summary>
/// <remarks>
/// Size-aware: every comparison is one candidate against one victim, so a large cold candidate must beat each
/// victim it would displace, one at a time, and loses at the first one that is at least as popular: a huge
/// file read once cannot flush many small hot ones.
/// </remarks>
internal sealed partial class TinyLfuPolicy
{
    public const byte Window = 0;
    public const byte Probation = 1;
    public const byte Protected = 2;

    /// <summary>Left the window during the eviction under way; admitted to probation if it survives it.</summary>
    public const byte Candidate = 3;

    private const double InitialWindowFraction = 0.01;
    private const double ProtectedFraction = 0.80;
    private const double StepFraction = 0.0625;
    private const double MaxWindowFraction = 0.80;
    private const int SampleMultiplier = 10;

    /// <summary>A displaced-victim ghost hit shrinks the window 1.5x as much as a rejected-candidate ghost hit grows it.</summary>
    private const double ShrinkBias = 1.5;
    private const double StepDecay = 0.98;
    private const double RestartThreshold = 0.05;

    private readonly CacheEntry _window = new();
    private readonly CacheEntry _probation = new();
    private readonly CacheEntry _protected = new();
    private readonly CacheEntry _candidates = new();
    private readonly RequestClock _clock = new();
    private readonly FrequencySketch _sketch = new(64);
    private readonly GhostSet _rejected = new();
    private readonly GhostSet _displaced = new();

    // Bytes and entries per segment, indexed by Window, Probation, Protected, Candidate.
    private readonly long[] _bytes = new long[4];
    private readonly long[] _counts = new long[4];
    private long _budget;
    private double _windowFraction = InitialWindowFraction;
    private uint _random = 0x2545_F491;

    // Hill climber state.
    private double _step;
    private double _previousHitRatio;
    private long _sampleHits;
    private long _sampleMisses;
    private int _insertsSinceCheck;

    // Whether the climber's last move changed the window (it may sit at a bound), and whether a sample was taken yet.
    private bool _moved = true;
    private bool _sampled;

    /// <param name="budget">The effective byte budget.</param>
    public TinyLfuPolicy(long budget)
    {
        _budget = budget;
        _step = StepFraction;
    }

    /// <summary>Gets the share of the budget given to the window (for tests).</summary>
    public double WindowFraction => _windowFraction;

    /// <summary>Sets the window's share of the budget, as the ghost nudges can between climber samples (for tests).</summary>
    internal void SetWindowFraction(double fraction) => _windowFraction = Math.Clamp(fraction, 0.0, MaxWindowFraction);

    /// <summary>Gets the request clock (for tests: how many project counters it read).</summary>
    internal RequestClock Clock => _clock;

    /// <summary>Gets the entries held in the policy's segments.</summary>
    private long EntriesHeld => _counts[Window] + _counts[Probation] + _counts[Protected] + _counts[Candidate];

    /// <summary>
    /// The window never holds less than one entry of average size (as in Caffeine and BitFaster): a new key gets one
    /// chance to be read again before it must beat a probation victim, and the ghost nudges cannot drive it to zero.
    /// </summary>
    private long WindowMax
    {
        get
        {
            long held = EntriesHeld;
            long oneEntry = held == 0 ? 1 : Math.Max(1, (_bytes[Window] + _bytes[Probation] + _bytes[Protected] + _bytes[Candidate]) / held);
            return Math.Max((long)(_budget * _windowFraction), oneEntry);
        }
    }

    private long ProtectedMax => (long)((_budget - WindowMax) * ProtectedFraction);

    public void SetBudget(long budget) => _budget = budget;

    /// <summary>Estimated recent popularity of <paramref name="entry"/> (after folding in its pending hits).</summary>
    public int FrequencyOf(CacheEntry entry)
    {
        Fold(entry);
        return _sketch.Frequency(entry.SketchHash);
    }

    /// <summary>Links a new entry into the window. Caller holds the store lock and accounts the bytes.</summary>
    public void OnInsert(CacheEntry entry, long entriesHeld)
    {
        entry.SketchHash = StableHash(entry);
        _sketch.EnsureCapacity((int)Math.Min(int.MaxValue, entriesHeld + 1));
        _sketch.Add(entry.SketchHash);
        Enter(entry, Window);
        _clock.Advance(entry.Partition);
        int now = (int)_clock.Now;
        entry.PolicyStamp = now;
        // A miss on a key the filter recently turned away says the window is too small; a miss on a key it
        // recently displaced for a newcomer says the window (recency) is winning too much. The grow counts only when
        // a window could have kept the key: between its last miss and now fewer requests went by than the cache holds
        // entries. (Any split of the cache serves at most the entries it holds; on a loop longer than the cache every
        // turned-away key returns after a whole loop, and growing the window for it would only turn more keys away.)
        if (_rejected.Remove(entry.SketchHash, out long lastMiss))
        {
            if (unchecked(now - (int)lastMiss) < EntriesHeld)
            {
                _windowFraction = Math.Min(MaxWindowFraction, _windowFraction + GhostStepFraction(entry));
            }
        }
        else if (_displaced.Remove(entry.SketchHash))
        {
            _windowFraction = Math.Max(0, _windowFraction - (ShrinkBias * GhostStepFraction(entry)));
        }

        if (++_insertsSinceCheck >= 64)
        {
            _insertsSinceCheck = 0;
            Climb(entriesHeld);
        }
    }

    /// <summary>Forgets an entry's segment bytes; the caller unlinks it. Caller holds the store lock.</summary>
    public void OnRemove(CacheEntry entry)
    {
        _bytes[entry.Segment] -= entry.Size;
        _counts[entry.Segment]--;
    }

    /// <summary>
    /// Brings the bytes held down to <paramref name="target"/>: moves window overflow to probation as candidates,
    /// then evicts, each time the less popular of the newest candidate and the probation victim.
    /// </summary>
    /// <param name="bytesHeld">Returns the bytes held now.</param>
    /// <param name="target">The bytes to get down to.</param>
    /// <param name="evict">Removes an entry (and calls <see cref="OnRemove"/> through the store).</param>
    public void Evict(Func<long> bytesHeld, long target, Action<CacheEntry> evict)
    {
        // The window is LRU approximated with CLOCK marks: an entry read since it was last looked at gets a second chance.
        // Its read happened before now, so it goes back just before the newest entry, never behind it: the entry last
        // inserted was used last, and an LRU window keeps it first. (Behind it, a one-entry window would push every
        // newcomer out at once whenever the entry before it had been read.)
        long chances = _counts[Window];
        var newest = _window.Prev;
        while (_bytes[Window] > WindowMax && _window.Next != _window)
        {
            var entry = _window.Next;
            Fold(entry, out bool wasRead);
            if (wasRead && chances-- > 0 && entry != newest)
            {
                MoveBefore(newest, entry);
                continue;
            }

            Move(entry, Candidate);
        }

        long protectedChances = _counts[Protected];
        while (bytesHeld() > target)
        {
            var candidate = _candidates.Prev;
            var victim = NextVictim(ref protectedChances);
            if (victim is null)
            {
                // Only candidates left: the older ones give way to the newer.
                if (candidate == _candidates)
                {
                    break;
                }

                evict(_candidates.Next);
                continue;
            }

            if (candidate == _candidates)
            {
                evict(victim);
                continue;
            }

            bool admit = Admit(candidate, victim);
            if (admit)
            {
                _displaced.Remember(victim.SketchHash, GhostCapacity);
            }
            else
            {
                _rejected.Remember(candidate.SketchHash, GhostCapacity, candidate.PolicyStamp);
            }

            evict(admit ? victim : candidate);
        }

        // The candidates that survived are admitted.
        while (_candidates.Next != _candidates)
        {
            Move(_candidates.Next, Probation);
        }

        RebalanceProtected();
    }

    /// <summary>
    /// The probation head (an entry read since it was last looked at is promoted to protected instead); when
    /// probation is empty, the protected head (with second chances), then the window head.
    /// </summary>
    private CacheEntry? NextVictim(ref long protectedChances)
    {
        while (true)
        {
            var victim = _probation.Next;
            if (victim != _probation)
            {
                Fold(victim, out bool wasRead);
                if (wasRead)
                {
                    Move(victim, Protected);
                    protectedChances++;
                    continue;
                }

                return victim;
            }

            victim = _protected.Next;
            if (victim != _protected)
            {
                Fold(victim, out bool wasRead);
                if (wasRead && protectedChances-- > 0)
                {
                    MoveLast(_protected, victim);
                    continue;
                }

                return victim;
            }

            return _window.Next != _window ? _window.Next : null;
        }
    }

    /// <summary>Ghosts are kept for a tenth of the entries held: only short-range regrets move the window.</summary>
    private long GhostCapacity => Math.Max(16, (_counts[Window] + _counts[Probation] + _counts[Protected]) / 10);

    /// <summary>One ghost hit moves the window by the entry's share of the budget.</summary>
    private double GhostStepFraction(CacheEntry entry) => (double)Math.Max(1, entry.Size) / Math.Max(1, _budget);

    private bool Admit(CacheEntry candidate, CacheEntry victim)
    {
        if (candidate.Size > _budget - WindowMax)
        {
            return false;
        }

        int candidateFrequency = FrequencyOf(candidate);
        int victimFrequency = FrequencyOf(victim);
        if (candidateFrequency > victimFrequency)
        {
            return true;
        }

        if (candidateFrequency <= 5 || victimFrequency < FrequencySketch.MaxCount)
        {
            return false;
        }

        // Against a victim whose count is saturated (the sketch cannot tell how popular it really is), a warm candidate
        // sometimes wins, so that an attacker cannot pin a victim in place by inflating its frequency. Below saturation
        // a tie is an honest tie: admitting at random there churns the main region on loops.
        _random ^= _random << 13;
        _random ^= _random >> 17;
        _random ^= _random << 5;
        return (_random & 127) == 0;
    }

    private void RebalanceProtected()
    {
        long chances = _counts[Protected];
        while (_bytes[Protected] > ProtectedMax && _protected.Next != _protected)
        {
            var entry = _protected.Next;
            Fold(entry, out bool wasRead);
            if (wasRead && chances-- > 0)
            {
                MoveLast(_protected, entry);
                continue;
            }

            Move(entry, Probation);
        }
    }

    /// <summary>
    /// Every sample of about 10 x the entries held in requests, compares the hit ratio with the previous
    /// sample's: keeps moving the window size the same way while it helps, reverses when it hurts; the step
    /// shrinks over time and restarts when the ratio jumps (the workload changed). The first sample is only a baseline.
    /// When the last move could not change the window (it sat at a bound), a change in the ratio is not the climber's
    /// doing: only a drop as large as a restart turns it around then, so noise cannot pull the window off a bound.
    /// </summary>
    private void Climb(long entriesHeld)
    {
        long hits = _clock.Hits, misses = _clock.Misses;
        long sampleHits = hits - _sampleHits;
        long sampleRequests = sampleHits + (misses - _sampleMisses);
        if (sampleRequests < SampleMultiplier * Math.Max(entriesHeld, 64))
        {
            return;
        }

        _sampleHits = hits;
        _sampleMisses = misses;
        double ratio = (double)sampleHits / sampleRequests;
        if (!_sampled)
        {
            _sampled = true;
            _previousHitRatio = ratio;
            return;
        }

        double change = ratio - _previousHitRatio;
        bool hold = !_moved && -change < RestartThreshold;
        double amount = change >= 0 || hold ? _step : -_step;
        _step = Math.Abs(change) >= RestartThreshold ? StepFraction * Math.Sign(amount) : StepDecay * amount;
        _previousHitRatio = ratio;
        long before = WindowMax;
        _windowFraction = Math.Clamp(_windowFraction + amount, 0.0, MaxWindowFraction);
        _moved = WindowMax != before;
    }


    private void Fold(CacheEntry entry) => Fold(entry, out _);

    /// <summary>Moves the entry's pending hits into the sketch; <paramref name="wasRead"/> tells whether it had any.</summary>
    private void Fold(CacheEntry entry, out bool wasRead)
    {
        int hits = entry.Hits;
        wasRead = hits > 0;
        if (wasRead)
        {
            entry.Hits = 0;
            _sketch.Add(entry.SketchHash, hits);
        }
    }

    private CacheEntry HeadOf(byte segment) => segment switch { Window => _window, Probation => _probation, Protected => _protected, _ => _candidates };

    private void Enter(CacheEntry entry, byte segment)
    {
        entry.Segment = segment;
        LinkLast(HeadOf(segment), entry);
        _bytes[segment] += entry.Size;
        _counts[segment]++;
    }

    private void Move(CacheEntry entry, byte segment)
    {
        Unlink(entry);
        _bytes[entry.Segment] -= entry.Size;
        _counts[entry.Segment]--;
        Enter(entry, segment);
    }

    private static void LinkLast(CacheEntry head, CacheEntry entry)
    {
        entry.Prev = head.Prev;
        entry.Next = head;
        head.Prev.Next = entry;
        head.Prev = entry;
    }

    private static void Unlink(CacheEntry entry)
    {
        entry.Prev.Next = entry.Next;
        entry.Next.Prev = entry.Prev;
    }

    private static void MoveLast(CacheEntry head, CacheEntry entry)
    {
        Unlink(entry);
        LinkLast(head, entry);
    }

    /// <summary>Moves <paramref name="entry"/> to just before <paramref name="anchor"/> (in the same list).</summary>
    private static void MoveBefore(CacheEntry anchor, CacheEntry entry)
    {
        Unlink(entry);
        LinkLast(anchor, entry);
    }
}
