using System.Buffers;
using System.Text;
using System.Text.Json;
using FileCache.Invalidation;
using FileCache.Redis.Internal;

namespace FileCache.Redis.Coherence;

/// <summary>
/// An invalidation as the log holds it: the request's fields as a small JSON object, and the node that published it.
/// Keys travel as (project, path, variant), never as a hash: every node computes its own keys.
/// </summary>
internal static class LogEntry
{
    // The shapes' codes in the log (stable: other nodes, maybe of another version, read them).
    private const int KeyCode = 0, DirectoryCode = 1, GlobCode = 2, ProjectCode = 3, TagCode = 4, OlderThanCode = 5, CustomCode = 6, AllCode = 7;

    /// <summary>Serializes a request published by <paramref name="origin"/>.</summary>
    public static string Write(InvalidationRequest request, string origin)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("n", origin);
            switch (request)
            {
                case KeyInvalidation key:
                    json.WriteNumber("k", KeyCode);
                    json.WriteString("p", key.Key.Project);
                    json.WriteString("a", key.Key.Path);
                    WriteIf(json, "v", key.Key.Variant);
                    break;
                case DirectoryInvalidation directory:
                    json.WriteNumber("k", DirectoryCode);
                    json.WriteString("p", directory.Project);
                    json.WriteString("a", directory.Directory);
                    break;
                case GlobInvalidation glob:
                    json.WriteNumber("k", GlobCode);
                    json.WriteString("p", glob.Project);
                    json.WriteString("a", glob.Pattern);
                    break;
                case ProjectInvalidation project:
                    json.WriteNumber("k", ProjectCode);
                    json.WriteString("p", project.Project);
                    break;
                case TagInvalidation tag:
                    json.WriteNumber("k", TagCode);
                    json.WriteString("t", tag.Tag);
                    break;
                case OlderThanInvalidation older:
                    json.WriteNumber("k", OlderThanCode);
                    json.WriteString("p", older.Project);
                    json.WriteNumber("o", older.LastWriteTimeUtc.UtcTicks);
                    break;
                case CustomInvalidation custom:
                    json.WriteNumber("k", CustomCode);
                    json.WriteString("m", custom.Name);
                    WriteIf(json, "p", custom.Project);
                    WriteIf(json, "a", custom.Argument);
                    break;
                default:
                    json.WriteNumber("k", AllCode);
                    break;
            }

            if (request.IsSoft)
            {
                json.WriteBoolean("s", true);
            }

            // The cause at the origin (a watcher's change, a version mismatch, an overflow...): the others apply it as such.
            if (request.Cause != InvalidationCause.Explicit)
            {
                json.WriteNumber("c", (int)request.Cause);
            }

            if (request.IsDeletion)
            {
                json.WriteBoolean("d", true);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The pointer field a request tombstones (a key's file), or null.</summary>
    public static string? PointerField(InvalidationRequest request) =>
        request is KeyInvalidation key ? RedisKeys.PointerField(key.Key.Project, key.Key.Path) : null;

    /// <summary>The barrier a request raises (its project's, or every project's), or null for a key.</summary>
    public static string? Barrier(InvalidationRequest request) => request switch
    {
        KeyInvalidation => null,
        TagInvalidation or AllInvalidation => RedisKeys.GlobalBarrier,
        _ => request.Project is { } project ? RedisKeys.ProjectBarrier(project) : RedisKeys.GlobalBarrier,
    };

    /// <summary>A parsed entry: its origin, the request to apply (null when it names nothing this node has), and its cause and deletion flag at the origin.</summary>
    public readonly record struct Parsed(long Sequence, string Origin, InvalidationRequest? Request, InvalidationCause Cause = InvalidationCause.Explicit, bool IsDeletion = false);

    /// <summary>Parses a log member <c>seq:json</c>; <paramref name="createKey"/> makes this node's key (null if the project is unknown here).</summary>
    public static Parsed Read(string member, Func<string, string, string?, FileKey?> createKey)
    {
        int colon = member.IndexOf(':', StringComparison.Ordinal);
        long sequence = long.Parse(member.AsSpan(0, colon), System.Globalization.CultureInfo.InvariantCulture);
        using var document = JsonDocument.Parse(member.AsMemory(colon + 1));
        var root = document.RootElement;
        string origin = root.GetProperty("n").GetString() ?? string.Empty;
        int kind = root.GetProperty("k").GetInt32();
        string? project = Get(root, "p");
        string? path = Get(root, "a");
        InvalidationRequest? request = kind switch
        {
            KeyCode => createKey(project!, path!, Get(root, "v")) is { } key ? InvalidationRequest.ForKey(key) : null,
            DirectoryCode => InvalidationRequest.ForDirectory(project!, path!),
            GlobCode => InvalidationRequest.ForGlob(project!, path!),
            ProjectCode => InvalidationRequest.ForProject(project!),
            TagCode => InvalidationRequest.ForTag(Get(root, "t")!),
            OlderThanCode => InvalidationRequest.OlderThan(project!, new DateTimeOffset(root.GetProperty("o").GetInt64(), TimeSpan.Zero)),
            AllCode => InvalidationRequest.ForAll(),
            CustomCode => InvalidationRequest.Custom(Get(root, "m")!, project, path),
            _ => throw new FormatException($"Unknown invalidation code {kind}."),
        };
        if (request is not null && root.TryGetProperty("s", out var soft) && soft.GetBoolean())
        {
            request = request.AsSoft();
        }

        // An entry written by an older node has neither: explicit, not a deletion. A cause this version does not know is
        // applied as explicit (it still invalidates the same entries).
        var cause = root.TryGetProperty("c", out var c) && c.TryGetInt32(out int code) && Enum.IsDefined((InvalidationCause)code) ? (InvalidationCause)code : InvalidationCause.Explicit;
        bool deletion = root.TryGetProperty("d", out var d) && d.ValueKind == JsonValueKind.True;
        return new Parsed(sequence, origin, request, cause, deletion);
    }

    private static void WriteIf(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static string? Get(JsonElement root, string name) => root.TryGetProperty(name, out var value) ? value.GetString() : null;
}
