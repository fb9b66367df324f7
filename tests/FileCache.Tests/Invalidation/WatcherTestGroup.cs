namespace FileCache.Tests.Invalidation;

/// <summary>
/// Unit tests that start real watchers (the many-projects watch set-up) run one at a time and alone: every
/// FileSystemWatcher of the process shares one inotify instance and one reading thread. The disk, watcher and coherence
/// tests proper live in FileCache.IntegrationTests, with a collection of the same name there.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WatcherTestGroup
{
    public const string Name = "Watcher";
}
