using FileCache.Cluster;
using FileCache.AspNetCore.Tests.Dashboard;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.AspNetCore.Tests.Health;

public sealed class HealthCheckTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static async Task<(TestApp App, HealthCheckService Health)> StartAsync(TestAppOptions options, Action<FileCacheHealthCheckOptions>? configure = null)
    {
        var app = await TestApp.StartAsync(new TestAppOptions
        {
            Time = options.Time,
            Cache = options.Cache,
            Services = s =>
            {
                options.Services?.Invoke(s);
                s.AddHealthChecks().AddFileCache(configure: configure);
            },
        });
        return (app, app.App.Services.GetRequiredService<HealthCheckService>());
    }

    [Fact]
    public async Task Healthy_WhenWatchingAndLoadsSucceed()
    {
        var (app, health) = await StartAsync(new TestAppOptions());
        await using var _ = app;
        await app.WorkloadAsync(hitsEach: 1);
        var report = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(HealthStatus.Healthy, report.Entries["filecache"].Status);
    }

    [Fact]
    public async Task Unhealthy_WhenLoadsFailAboveTheThresholdInTheWindow_HealthyAgainOnceTheWindowPasses()
    {
        var time = new FakeTimeProvider(Start);
        var (app, health) = await StartAsync(new TestAppOptions { Time = time }, o => o.MinimumLoads = 10);
        await using var _ = app;
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status); // baseline sample

        await app.WorkloadAsync(hitsEach: 0); // 20 loads that succeed
        for (int i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<FileNotFoundException>(async () => await app.Cache.ReadAsync(TestApp.Project, $"missing{i}.txt"));
        }

        var report = await health.CheckHealthAsync();   // 10 of 30 failed: 33% >= 25%
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("10 of 30 loads failed", report.Entries["filecache"].Description, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync()).Status); // the baseline is still the first sample
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);   // nothing failed in the last 5 minutes
    }

    [Fact]
    public async Task FewLoads_BelowTheMinimum_DoNotMakeItUnhealthy()
    {
        var (app, health) = await StartAsync(new TestAppOptions());
        await using var _ = app;
        await Assert.ThrowsAsync<FileNotFoundException>(async () => await app.Cache.ReadAsync(TestApp.Project, "missing.txt"));
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);
    }

    [Fact]
    public async Task Degraded_WhenAProjectPolls()
    {
        var (app, health) = await StartAsync(new TestAppOptions { Cache = o => o.Invalidation.UsePolling = true });
        await using var _ = app;
        var report = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Contains("polling instead of watching: site", report.Entries["filecache"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Degraded_WhenTheClusterNodeIsDegraded()
    {
        var fake = new FakeClusterStatus();
        var (app, health) = await StartAsync(new TestAppOptions { Services = s => s.AddSingleton<IFileCacheClusterStatus>(fake) });
        await using var _ = app;
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);
        fake.State = new FileCacheClusterState { NodeId = "node-a", IsDegraded = true, DegradedReason = "lease lost" };
        var report = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Contains("node-a is degraded: lease lost", report.Entries["filecache"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unhealthy_WhenAWatcherLostEventsInTheWindow_HealthyAgainOnceTheWindowPasses()
    {
        var time = new FakeTimeProvider(Start);
        var (app, health) = await StartAsync(new TestAppOptions { Time = time });
        await using var _ = app;
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status); // baseline sample

        // The path a real FileSystemWatcher takes when the kernel's event queue overflowed: its Error event.
        var watcher = ((FileCache.Storage.DefaultFileCache)app.Cache).WatcherFor(TestApp.Project);
        Assert.NotNull(watcher);
        watcher.OnError(new InternalBufferOverflowException("the inotify queue overflowed"));

        var report = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("watchers lost events 1 time(s)", report.Entries["filecache"].Description, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync()).Status); // the baseline is still the first sample
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);   // nothing lost in the last 5 minutes
    }

    [Fact]
    public async Task Degraded_WhenTheMemoryLoadIsAtTheThreshold()
    {
        var (app, health) = await StartAsync(new TestAppOptions(), o => o.DegradedMemoryLoad = 0);
        await using var _ = app;
        var report = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Contains("memory load", report.Entries["filecache"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidThresholds_ThrowAtRegistration_NamingTheOption()
    {
        var services = new ServiceCollection();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => services.AddHealthChecks().AddFileCache(configure: o => o.UnhealthyLoadFailureRatio = 2));
        Assert.Contains("UnhealthyLoadFailureRatio", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => services.AddHealthChecks().AddFileCache(configure: o => o.Window = TimeSpan.Zero));
    }
}
