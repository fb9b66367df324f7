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
    /// <summary>Serializes a request published by <paramref name="origin"/>.</summary>
    public static string Write(InvalidationRequest request, string origin)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("n", origin);
            json.WriteNumber("k", (int)request.Kind);
            WriteIf(json, "p", request.Kind == InvalidationKind.Key ? request.Key.Project : request.Project);
            if (request.Kind == InvalidationKind.Key)
            {
                json.WriteString("a", request.Key.Path);
                WriteIf(json, "v", request.Key.Variant);
            }
            else
            {
                WriteIf(json, "a", request.Path);
            }

            WriteIf(json, "t", request.Tag);
            WriteIf(json, "m", request.Name);
            if (request.Kind == InvalidationKind.OlderThan)
            {
                json.WriteNumber("o", request.OlderThanUtc.UtcTicks);
            }

            if (request.IsSoft)
            {
                json.WriteBoolean("s", true);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The pointer field a request tombstones (a key's file), or null.</summary>
    public static string? PointerField(InvalidationRequest request) =>
        request.Kind == InvalidationKind.Key ? RedisKeys.PointerField(request.Key.Project, request.Key.Path) : null;

    /// <summary>The barrier a request raises (its project's, or every project's), or null for a key.</summary>
    public static string? Barrier(InvalidationRequest request) => request.Kind switch
    {
        InvalidationKind.Key => null,
        InvalidationKind.Tag or InvalidationKind.All => RedisKeys.GlobalBarrier,
        _ => request.Project is { } project ? RedisKeys.ProjectBarrier(project) : RedisKeys.GlobalBarrier,
    };

    /// <summary>A parsed entry: its origin and the request to apply (null when it names nothing this node has).</summary>
    public readonly record struct Parsed(long Sequence, string Origin, InvalidationRequest? Request);

    /// <summary>Parses a log member <c>seq:json</c>; <paramref name="createKey"/> makes this node's key (null if the project is unknown here).</summary>
    public static Parsed Read(string member, Func<string, string, string?, FileKey?> createKey)
    {
        int colon = member.IndexOf(':', StringComparison.Ordinal);
        long sequence = long.Parse(member.AsSpan(0, colon), System.Globalization.CultureInfo.InvariantCulture);
        using var document = JsonDocument.Parse(member.AsMemory(colon + 1));
        var root = document.RootElement;
        string origin = root.GetProperty("n").GetString() ?? string.Empty;
        var kind = (InvalidationKind)root.GetProperty("k").GetInt32();
        string? project = Get(root, "p");
        string? path = Get(root, "a");
        InvalidationRequest? request = kind switch
        {
            InvalidationKind.Key => createKey(project!, path!, Get(root, "v")) is { } key ? InvalidationRequest.ForKey(key) : null,
            InvalidationKind.Directory => InvalidationRequest.ForDirectory(project!, path!),
            InvalidationKind.Glob => InvalidationRequest.ForGlob(project!, path!),
            InvalidationKind.Project => InvalidationRequest.ForProject(project!),
            InvalidationKind.Tag => InvalidationRequest.ForTag(Get(root, "t")!),
            InvalidationKind.OlderThan => InvalidationRequest.OlderThan(project!, new DateTimeOffset(root.GetProperty("o").GetInt64(), TimeSpan.Zero)),
            InvalidationKind.All => InvalidationRequest.ForAll(),
            _ => InvalidationRequest.Custom(Get(root, "m")!, project, path),
        };
        if (request is not null && root.TryGetProperty("s", out var soft) && soft.GetBoolean())
        {
            request = request.AsSoft();
        }

        return new Parsed(sequence, origin, request);
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
