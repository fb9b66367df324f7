using System.Globalization;

namespace FileCache.HitRate;

/// <summary>
/// A trace: one unsigned integer key a line, read top to bottom, each line one read of that key. Blank lines
/// are skipped; anything else that is not a key is an error (a silently dropped line would skew the ratio).
/// </summary>
internal sealed class AccessTrace
{
    private AccessTrace(string name, ulong[] requests, int[] ids, ulong[] distinctKeys)
    {
        Name = name;
        Requests = requests;
        Ids = ids;
        DistinctKeys = distinctKeys;
    }

    /// <summary>The file name without extension, e.g. <c>gli</c>.</summary>
    public string Name { get; }

    /// <summary>The key of every request, in order.</summary>
    public ulong[] Requests { get; }

    /// <summary>For every request, the dense id (0..UniqueKeys-1) of its key, in order of first appearance.</summary>
    public int[] Ids { get; }

    /// <summary>The distinct keys, indexed by id.</summary>
    public ulong[] DistinctKeys { get; }

    public int Length => Requests.Length;

    public int UniqueKeys => DistinctKeys.Length;

    public static AccessTrace Load(string path)
    {
        var requests = new List<ulong>();
        using (var reader = new StreamReader(path))
        {
            int lineNumber = 0;
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                var text = line.AsSpan().Trim();
                if (text.IsEmpty)
                {
                    continue;
                }

                if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong key))
                {
                    throw new FormatException($"{path}:{lineNumber}: '{line}' is not an unsigned integer key.");
                }

                requests.Add(key);
            }
        }

        return FromKeys(Path.GetFileNameWithoutExtension(path), requests);
    }

    public static AccessTrace FromKeys(string name, IEnumerable<ulong> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var requests = keys.ToArray();
        var ids = new int[requests.Length];
        var idOf = new Dictionary<ulong, int>();
        var distinct = new List<ulong>();
        for (int i = 0; i < requests.Length; i++)
        {
            if (!idOf.TryGetValue(requests[i], out int id))
            {
                id = distinct.Count;
                idOf.Add(requests[i], id);
                distinct.Add(requests[i]);
            }

            ids[i] = id;
        }

        return new AccessTrace(name, requests, ids, distinct.ToArray());
    }
}
