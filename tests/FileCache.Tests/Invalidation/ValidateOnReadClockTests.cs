using System.Diagnostics;
using System.Text;
using FileCache.Invalidation;
using Microsoft.Extensions.Time.Testing;
using static FileCache.Tests.Invalidation.InvalidationFixture;

namespace FileCache.Tests.Invalidation;

/// <summary>
/// ValidateOnRead's bound ("a read that starts a full interval after the last check checks again") whatever the
/// coarse clock's step and lag: the clock the trust window runs on moves in steps (Environment.TickCount64: 4 ms here)
/// and a timer-driven one lags whenever its timer runs late.
/// </summary>
public sealed class ValidateOnReadClockTests
{
    [Fact]
    public async Task Read_AFullIntervalAfterTheLoad_ChecksTheFile_WhenTheCoarseClockStepsThreePeriodsAtATime()
    {
        using var dir = new TestDirectory();
        string path = dir.Write("a.txt", "one");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1)); // not "racy": only a real change makes the check reload
        var time = new LateTimers(every: 3);
        var interval = TimeSpan.FromMilliseconds(100); // coarse period 12.5 ms; the late timer steps 37.5 ms
        using var cache = CreateRooted(dir.Root, time, o => { o.Mode = ValidationMode.ValidateOnRead; o.ValidationInterval = interval; });
        Assert.Equal("one", Text(await cache.ReadAsync("p", "a.txt")));
        dir.Write("a.txt", "two!");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-30));

        for (int i = 0; i < 20; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(5)); // 100 ms in small steps, as time passes
        }

        Assert.Equal("two!", Text(await cache.ReadAsync("p", "a.txt")));
        Assert.Equal(1, cache.GetStatistics().Invalidation!.GetCount(InvalidationCause.VersionMismatch));
    }

    [Fact]
    public async Task Read_AFullIntervalAfterTheLastRead_NeverServesTheReplacedFile_OnTheSystemClock()
    {
        using var dir = new TestDirectory();
        string path = dir.Write("a.txt", "v0");
        var interval = TimeSpan.FromMilliseconds(10); // shorter than a few steps of Environment.TickCount64
        var options = new FileCacheOptions().AddProject("p", dir.Root);
        options.Invalidation.Mode = ValidationMode.ValidateOnRead;
        options.Invalidation.ValidationInterval = interval;
        using var cache = FileCacheFactory.Create(options);
        Assert.Equal("v0", Text(await cache.ReadAsync("p", "a.txt")));
        long lastRead = Stopwatch.GetTimestamp();
        int stale = 0;

        for (int i = 1; i <= 60; i++)
        {
            // A new length each time, so any check sees the change.
            string content = "v" + new string('x', i);
            File.WriteAllText(path, content);

            // Not a timing assertion: wait until a full interval has passed since the last read returned (the last
            // check, or load, started before that), then read. That read must check, and so see the new content.
            while (Stopwatch.GetElapsedTime(lastRead) < interval)
            {
                Thread.SpinWait(100);
            }

            if (Text(await cache.ReadAsync("p", "a.txt")) != content)
            {
                stale++;
            }

            lastRead = Stopwatch.GetTimestamp();
        }

        Assert.Equal(0, stale);
    }

    private static string Text(CachedFile file) => Encoding.UTF8.GetString(file.Content.Span);

    /// <summary>A fake clock whose timers fire only at every <c>every</c>-th due time, as a timer on a busy pool does.</summary>
    private sealed class LateTimers(int every) : FakeTimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            int calls = 0;
            return base.CreateTimer(s =>
            {
                if (++calls % every == 0)
                {
                    callback(s);
                }
            }, state, dueTime, period);
        }
    }
}
