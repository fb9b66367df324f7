namespace FileCache.Sources;

/// <summary>
/// The value of a negative entry: the source reported no file at the key's path when <c>TryReadAsync</c> asked. Lives
/// in the store like any entry (counted, evicted, indexed by path), so the watcher's or a poll's invalidation of the
/// path removes it as it removes a file. Never handed out: every read but <c>TryReadAsync</c> treats it as a miss.
/// </summary>
internal sealed class MissingFile(string location)
{
    /// <summary>Gets where the file was looked for (a full path for a physical project).</summary>
    public string Location { get; } = location;
}
