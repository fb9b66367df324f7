using System.Diagnostics;
using System.Diagnostics.Metrics;
using FileCache.Monitoring;
using FileCache.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Telemetry;

public class ActivityTests
{
    /// <summary>Listens to the cache's source and keeps the activities of one project (other tests run in parallel).</summary>
    private static (ActivityListener Listener, List<Activity> Stopped) Listen(string project)
    {
        var stopped = new List<Activity>();
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == FileCacheTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("filecache.project"), project))
                {
                    lock (stopped)
                    {
                        stopped.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return (listener, stopped);
    }

    [Fact]
    public async Task Loads_And_FanOut_HaveActivities_HitsAndKeyRemovalsDoNot()
    {
        string project = "activities-" + Guid.NewGuid().ToString("N");
        var (listener, stopped) = Listen(project);
        using var subscription = listener;
        using var cache = CacheFixture.Create(10_000, projects: project);
        var key = cache.CreateKey(project, "file");

        Activity? seenByLoader = null;
        await cache.GetOrAddAsync(key, (_, _) =>
        {
            seenByLoader = Activity.Current;
            return ValueTask.FromResult("v");
        }, CacheFixture.Size(10));
        for (int i = 0; i < 100; i++)
        {
            Assert.True(cache.TryGet<string>(key, out _));
        }

        cache.Remove(key);
        cache.InvalidateProject(project);

        Assert.Collection(
            stopped,
            load =>
            {
                Assert.Equal(FileCacheTelemetry.LoadActivity, load.OperationName);
                Assert.Equal("file", load.GetTagItem("filecache.path"));
                Assert.Equal("success", load.GetTagItem("outcome"));
                Assert.Same(load, seenByLoader);
            },
            invalidate =>
            {
                Assert.Equal(FileCacheTelemetry.InvalidationActivity, invalidate.OperationName);
                Assert.Equal("project", invalidate.GetTagItem("filecache.cause"));
            });
        Assert.Null(Activity.Current);
    }

    [Fact]
    public async Task FailedLoad_ActivityHasErrorStatus()
    {
        string project = "activities-" + Guid.NewGuid().ToString("N");
        var (listener, stopped) = Listen(project);
        using var subscription = listener;
        using var cache = CacheFixture.Create(10_000, projects: project);
        await Assert.ThrowsAsync<IOException>(async () => await cache.GetOrAddAsync<string>(cache.CreateKey(project, "f"), (_, _) => throw new IOException("disk"), CacheFixture.Size(1)));
        var load = Assert.Single(stopped);
        Assert.Equal(ActivityStatusCode.Error, load.Status);
        Assert.Equal("failure", load.GetTagItem("outcome"));
    }

    [Fact]
    public void AddFileCache_WithMetrics_CreatesMeterThroughFactory_AndRegistersMonitor()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddFileCache(o => o.AddProject("p", null));
        using var provider = services.BuildServiceProvider();
        var cache = (FileCache.Storage.DefaultFileCache)provider.GetRequiredService<IFileCache>();
        Assert.Same(provider.GetRequiredService<IMeterFactory>(), cache.Observer.Metrics.Meter.Scope);
        Assert.Same(CacheMonitor.For(cache), provider.GetRequiredService<CacheMonitor>());
    }
}
