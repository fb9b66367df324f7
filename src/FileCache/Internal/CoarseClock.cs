namespace FileCache.Internal;

/// <summary>
/// A "now" that a <see cref="TimeProvider"/> timer advances every period, so a hit can compare against the time
/// with one field read instead of a clock read (about 4 ns against 26 ns). With a FakeTimeProvider it moves when
/// the test advances time. Values are the provider's timestamps.
/// </summary>
internal sealed class CoarseClock : IDisposable
{
    private readonly TimeProvider? _time;
    private readonly ITimer? _timer;
    private readonly long _timestampsPerMillisecond;
    private long _now;

    public CoarseClock(TimeProvider time, TimeSpan period)
    {
        _time = time;
        if (ReferenceEquals(time, TimeProvider.System) && time.TimestampFrequency >= 1000)
        {
            // The system clock: Environment.TickCount64 (a few ns, millisecond steps) in timestamp units. A timer
            // advancing a field would lag whenever the thread pool is busy, and a lagging clock would trust an
            // entry past its validation interval (the coherence test caught it under load).
            _timestampsPerMillisecond = time.TimestampFrequency / 1000;
            return;
        }

        // Any other provider (FakeTimeProvider in tests): a field its timer advances, so time moves when it does.
        _now = time.GetTimestamp();
        _timer = time.CreateTimer(static state => ((CoarseClock)state!).Tick(), this, period, period);
    }

    private CoarseClock()
    {
    }

    /// <summary>A clock that never moves (validation off, or checking on every read).</summary>
    public static CoarseClock Frozen { get; } = new();

#pragma warning disable RS0030 // Only for TimeProvider.System (checked in the constructor): a 4-ns monotonic read where GetTimestamp costs 26 ns on every validated hit.
    public long Now => _timestampsPerMillisecond != 0 ? Environment.TickCount64 * _timestampsPerMillisecond : Volatile.Read(ref _now);
#pragma warning restore RS0030

    public void Dispose() => _timer?.Dispose();

    private void Tick() => Volatile.Write(ref _now, _time!.GetTimestamp());
}
