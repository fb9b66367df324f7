using System.Text;

namespace FileCache.AspNetCore.Dashboard;

/// <summary>The page, its script and its styles, embedded in this assembly (no CDN: the dashboard works on closed networks).</summary>
internal static class DashboardAssets
{
    private const string Prefix = "FileCache.AspNetCore.Assets.";

    private static readonly Dictionary<string, (byte[] Content, string Type)> Files = new(StringComparer.Ordinal)
    {
        ["dashboard.js"] = (Load("dashboard.js"), "text/javascript; charset=utf-8"),
        ["dashboard.css"] = (Load("dashboard.css"), "text/css; charset=utf-8"),
    };

    /// <summary>Gets the page's HTML, with <c>{{base}}</c> and <c>{{title}}</c> to fill in.</summary>
    public static string Page { get; } = Encoding.UTF8.GetString(Load("dashboard.html"));

    public static bool TryGet(string name, out byte[] content, out string type)
    {
        if (Files.TryGetValue(name, out var file))
        {
            (content, type) = file;
            return true;
        }

        (content, type) = (Array.Empty<byte>(), string.Empty);
        return false;
    }

    private static byte[] Load(string name)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream(Prefix + name)
            ?? throw new InvalidOperationException($"The dashboard asset '{name}' is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
