using System.Globalization;

namespace FileCache.HitRate;

/// <summary>What to replay: trace files (any path) or a traces folder, optionally only some capacities.</summary>
internal sealed record CommandLine(string? TracesDirectory, IReadOnlyList<string> TraceFiles, IReadOnlyList<int>? Capacities, IReadOnlySet<string>? Only, string? OutFile, string? PublishedFile)
{
    public const string Usage = """
        FileCache.HitRate [--traces DIR] [--trace FILE]... [--capacities N[,N...]] [--only NAME[,NAME...]] [--published CSV] [--out FILE]
          --traces DIR        replay every *.txt in DIR (default: <repo>/../shared/traces, unless --trace is given)
          --trace FILE        replay this trace file (one unsigned integer key a line); may be repeated
          --capacities LIST   replay at these capacities (entries), e.g. 500,1000,2000 (default: per trace)
          --only NAMES        of the folder's traces, replay only these (file names without .txt)
          --published CSV     published hit ratios to check against (default: published_hit_ratios.csv beside the traces)
          --out FILE          also write the markdown report to FILE
        """;

    /// <summary>Parses <paramref name="args"/>; on bad usage returns null and says why in <paramref name="error"/>.</summary>
    public static CommandLine? Parse(IReadOnlyList<string> args, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? tracesDir = null, outFile = null, published = null;
        var files = new List<string>();
        List<int>? capacities = null;
        HashSet<string>? only = null;
        error = null;
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name is "-h" or "--help")
            {
                return null;
            }

            if (i + 1 >= args.Count || !name.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"Unknown or incomplete argument '{name}'. Use --help.";
                return null;
            }

            string value = args[++i];
            switch (name)
            {
                case "--traces":
                    tracesDir = value;
                    break;
                case "--trace":
                    files.Add(value);
                    break;
                case "--out":
                    outFile = value;
                    break;
                case "--published":
                    published = value;
                    break;
                case "--only":
                    only = new HashSet<string>(Split(value), StringComparer.OrdinalIgnoreCase);
                    break;
                case "--capacities":
                    capacities = [];
                    foreach (string part in Split(value))
                    {
                        if (!int.TryParse(part, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out int capacity) || capacity < 1)
                        {
                            error = $"--capacities: '{part}' is not a whole number of entries of at least 1.";
                            return null;
                        }

                        capacities.Add(capacity);
                    }

                    if (capacities.Count == 0)
                    {
                        error = "--capacities: give at least one capacity.";
                        return null;
                    }

                    break;
                default:
                    error = $"Unknown argument '{name}'. Use --help.";
                    return null;
            }
        }

        if (only is not null && files.Count > 0 && tracesDir is null)
        {
            error = "--only picks traces of a folder (--traces); with --trace, name the files themselves.";
            return null;
        }

        return new CommandLine(tracesDir, files, capacities?.Distinct().Order().ToList(), only, outFile, published);
    }

    private static string[] Split(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
