using Microsoft.Extensions.Hosting;

namespace FileCache.Warming;

/// <summary>
/// Runs the warmer with the host: warms at start (in the background unless <see cref="FileCacheWarmingOptions.BlockStartup"/>),
/// writes the hot-set manifests every <see cref="FileCacheWarmingOptions.ManifestInterval"/> (a <see cref="TimeProvider"/>
/// timer) and once more at shutdown.
/// </summary>
internal sealed class WarmingHostedService : IHostedService, IDisposable
{
    private readonly IFileCacheWarmer _warmer;
    private readonly FileCacheWarmingOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _timer;
    private Task _warming = Task.CompletedTask;
    private int _saving;

    public WarmingHostedService(IFileCacheWarmer warmer, FileCacheWarmingOptions options, TimeProvider time)
    {
        _warmer = warmer;
        _options = options;
        _time = time;
    }

    /// <summary>Hot sets are written somewhere: the manifest folder, or a registered store (a cluster's).</summary>
    private bool HasStores => _options.ManifestFolder is not null || _warmer is FileCacheWarmer { HasHotSetStores: true };

    /// <summary>The background warming started at start-up (completed when none or when it finished).</summary>
    internal Task Warming => _warming;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.WarmOnStart)
        {
            if (_options.BlockStartup)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
                await _warmer.WarmAsync(cancellationToken: linked.Token).ConfigureAwait(false);
            }
            else
            {
                _warming = Task.Run(() => _warmer.WarmAsync(cancellationToken: _stopping.Token), CancellationToken.None);
            }
        }

        if (HasStores && _options.ManifestInterval != Timeout.InfiniteTimeSpan)
        {
            _timer = _time.CreateTimer(static s => ((WarmingHostedService)s!).SaveInBackground(), this, _options.ManifestInterval, _options.ManifestInterval);
        }
    }

    private void SaveInBackground()
    {
        // One save at a time: a slow disk must not pile up writers.
        if (Interlocked.Exchange(ref _saving, 1) == 0)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await _warmer.SaveHotSetAsync(cancellationToken: _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    Volatile.Write(ref _saving, 0);
                }
            });
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _warming.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            if (HasStores)
            {
                await _warmer.SaveHotSetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _stopping.Dispose();
    }
}
