using System.Collections.Concurrent;
using FileCache.Storage;
using FileCache.Tests.Sources;
using FileCache.Warming;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FileCache.Tests.Warming;

/// <summary>A cache over an in-memory source with the warming stage composed in, and its warmer (no DI).</summary>
internal sealed class WarmingFixture : IDisposable
{
    public WarmingFixture(InMemoryFileSource source, Action<FileCacheOptions>? configure = null, FakeTimeProvider? time = null, IEnumerable<IWarmingStrategy>? strategies = null, IEnumerable<IHotSetSource>? sources = null)
    {
        Source = source;
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new FileCacheOptions { MaxBytes = 64L * 1024 * 1024 };
        options.AddProject("p", null, p => p.Source = source);
        configure?.Invoke(options);
        Options = options;
        Signals = new WarmingSignals(options.Warming, Time);
        options.LoadStages.Add(Signals.RunStageAsync);
        Cache = (DefaultFileCache)FileCacheFactory.Create(options, Time);
        Warmer = new FileCacheWarmer(Cache, options.Warming, Time, Signals, strategies, sources, Logger);
    }

    public InMemoryFileSource Source { get; }

    public FakeTimeProvider Time { get; }

    public FileCacheOptions Options { get; }

    public WarmingSignals Signals { get; }

    public DefaultFileCache Cache { get; }

    public FileCacheWarmer Warmer { get; }

    public ListLogger Logger { get; } = new();

    public static InMemoryFileSource Files(int count, int size = 100, string prefix = "f")
    {
        var source = new InMemoryFileSource();
        for (int i = 0; i < count; i++)
        {
            source.Write($"{prefix}{i}", new byte[size]);
        }

        return source;
    }

    public void Dispose()
    {
        Warmer.Dispose();
        Cache.Dispose();
    }
}

/// <summary>A logger that keeps what it is given, to check warnings.</summary>
internal sealed class ListLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception)));
}

/// <summary>A strategy that returns fixed items.</summary>
internal sealed class FixedStrategy(Func<WarmingContext, IEnumerable<WarmingItem>> items) : IWarmingStrategy
{
    public async IAsyncEnumerable<WarmingItem> GetItemsAsync(WarmingContext context, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var item in items(context))
        {
            yield return item;
        }
    }
}

/// <summary>A "remote" hot-set source held in memory (a joining node's view of the cluster's hot set).</summary>
internal sealed class InMemoryHotSetSource : IHotSetSource
{
    public Dictionary<string, HotSet> HotSets { get; } = new(StringComparer.Ordinal);

    public int Calls;

    public ValueTask<HotSet?> LoadAsync(string project, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        return new ValueTask<HotSet?>(HotSets.TryGetValue(project, out var hotSet) ? hotSet : null);
    }
}
