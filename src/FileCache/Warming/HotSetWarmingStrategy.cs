using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FileCache.Warming;

/// <summary>
/// The built-in strategy: warms each project from the first hot-set source that has its hot set (the registered
/// <see cref="IHotSetSource"/>s in order, then the local manifest). Priority is the entry's place in the hot set, so
/// the hottest come first; derived data follows its files.
/// </summary>
internal sealed class HotSetWarmingStrategy : IWarmingStrategy
{
    private readonly IReadOnlyList<IHotSetSource> _sources;
    private readonly ILogger _logger;

    public HotSetWarmingStrategy(IReadOnlyList<IHotSetSource> sources, ILogger? logger = null)
    {
        _sources = sources;
        _logger = logger ?? NullLogger.Instance;
    }

    public async IAsyncEnumerable<WarmingItem> GetItemsAsync(WarmingContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (string project in context.Projects)
        {
            var hotSet = await FindAsync(project, cancellationToken).ConfigureAwait(false);
            if (hotSet is null)
            {
                continue;
            }

            int count = hotSet.Entries.Count;
            for (int i = 0; i < count; i++)
            {
                var entry = hotSet.Entries[i];
                FileKey key;
                try
                {
                    key = context.Cache.CreateKey(project, entry.Path, entry.Variant);
                }
                catch (ArgumentException)
                {
                    // A path this project refuses now (its root moved, a rule changed): not warmable, not fatal.
                    continue;
                }

                // Position, not the stored rank: sources may rank on different scales; their order is what they agree on.
                yield return new WarmingItem(key, count - i, entry.Version, entry.Size);
            }
        }
    }

    private async ValueTask<HotSet?> FindAsync(string project, CancellationToken cancellationToken)
    {
        foreach (var source in _sources)
        {
            try
            {
                if (await source.LoadAsync(project, cancellationToken).ConfigureAwait(false) is { } hotSet)
                {
                    return hotSet;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                WarmingLog.SourceFailed(_logger, ex, source.GetType().Name, project);
            }
        }

        return null;
    }
}
