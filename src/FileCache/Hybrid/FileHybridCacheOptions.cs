using Microsoft.Extensions.Caching.Hybrid;

namespace FileCache.Hybrid;

/// <summary>
/// Options of the <see cref="HybridCache"/> backed by FileCache: where its keys go and how its entries are sized and expire.
/// </summary>
/// <remarks>
/// <para><b>Keys to projects.</b> A key goes to the project <see cref="Project"/>, unless <see cref="ProjectSeparator"/>
/// is set and the key starts with the name of a registered project followed by the separator (<c>"web:page/1"</c> with
/// <c>':'</c>): then it goes to that project, under the rest of the key. So entries share that project's quota,
/// statistics and invalidations; under a project with a root directory, an entry whose key is a file's path
/// (<c>"web:templates/index.html"</c>) is invalidated with the file when it changes on disk.</para>
/// <para><b>Keys to paths.</b> A key that is already a normal relative path (no <c>\</c>, no empty, <c>.</c> or <c>..</c>
/// segment, no leading or trailing <c>/</c>, not starting with <c>~</c>) is used as the path itself; any other key is
/// encoded (<c>~</c> and the hex of its UTF-8 bytes), so distinct keys never meet. Entries carry the variant
/// <see cref="Variant"/>, apart from a file's own bytes. In a case-insensitive project, keys differing only in case meet.</para>
/// </remarks>
public sealed class FileHybridCacheOptions
{
    /// <summary>The variant under which every entry is stored.</summary>
    public const string Variant = "hybrid";

    /// <summary>Gets or sets the project that holds the entries (registered without a root directory if it is not registered).</summary>
    /// <value>Defaults to <c>"hybrid"</c>.</value>
    public string Project { get; set; } = "hybrid";

    /// <summary>Gets or sets the character that separates a project's name from the rest of a key.</summary>
    /// <value>Defaults to <see langword="null"/>: every key goes to <see cref="Project"/>. Routing a key costs a substring (an allocation) per call.</value>
    public char? ProjectSeparator { get; set; }

    /// <summary>Gets or sets the bytes counted for a value whose size the cache cannot know (anything but <see cref="string"/> and byte arrays).</summary>
    /// <value>Defaults to 1,024. Must be positive.</value>
    public long DefaultEntrySize { get; set; } = 1024;

    /// <summary>Gets or sets the expiration of entries whose options set none (like the default HybridCache's 5 minutes).</summary>
    /// <value>Defaults to 5 minutes. Must be positive.</value>
    public TimeSpan DefaultExpiration { get; set; } = TimeSpan.FromMinutes(5);
}
