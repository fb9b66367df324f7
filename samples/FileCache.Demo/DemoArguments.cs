using System.Globalization;

namespace FileCache.Demo;

/// <summary>The command line: <c>[--root DIR] [--budget SIZE] [--reads N] [--help]</c>.</summary>
internal sealed class DemoArguments
{
    public const long DefaultBudget = 32L * 1024 * 1024;
    public const int DefaultReads = 200_000;

    public const string Usage =
        """
        Usage: dotnet run --project samples/FileCache.Demo [-- options]

          --root DIR      directory to cache (default: the .NET install folder of the running runtime)
          --budget SIZE   the cache's byte budget (default: 32MiB); e.g. 64MB, 64MiB, 512KB, 1GB, 33554432
          --reads N       reads to replay through the cache (default: 200000)
          --help          show this help
        """;

    public string? Root { get; private set; }

    public long Budget { get; private set; } = DefaultBudget;

    public int Reads { get; private set; } = DefaultReads;

    public bool Help { get; private set; }

    /// <summary>Parses the arguments, or returns an error message for the user.</summary>
    public static DemoArguments Parse(string[] args, out string? error)
    {
        var result = new DemoArguments();
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            int eq = name.IndexOf('=', StringComparison.Ordinal);
            string? inline = null;
            if (name.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }

            if (name is "--help" or "-h" or "-?")
            {
                result.Help = true;
                continue;
            }

            if (name is not ("--root" or "--budget" or "--reads"))
            {
                error = $"unknown argument '{args[i]}'.";
                return result;
            }

            string? value = inline ?? (i + 1 < args.Length ? args[++i] : null);
            if (string.IsNullOrWhiteSpace(value))
            {
                error = $"{name} needs a value.";
                return result;
            }

            switch (name)
            {
                case "--root":
                    string full = Path.GetFullPath(value);
                    if (!Directory.Exists(full))
                    {
                        error = $"--root: '{value}' is not an existing directory.";
                        return result;
                    }

                    result.Root = full;
                    break;

                case "--budget":
                    if (!ByteSize.TryParse(value, out long budget))
                    {
                        error = $"--budget: '{value}' is not a positive size. Use {ByteSize.Accepted}.";
                        return result;
                    }

                    result.Budget = budget;
                    break;

                case "--reads":
                    if (!int.TryParse(value.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out int reads) || reads <= 0)
                    {
                        error = $"--reads: '{value}' is not a positive whole number (at most {int.MaxValue:N0}).";
                        return result;
                    }

                    result.Reads = reads;
                    break;
            }
        }

        return result;
    }
}
