namespace FileCache.Prometheus;

/// <summary>
/// With <c>--workload true</c>: reads the served directory's files through the cache in a skewed pattern (a few files
/// often, most rarely, now and then a missing one), so the dashboard and the metrics have something to show.
/// </summary>
internal sealed class SampleWorkload(IFileCache cache, string root) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string[] files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Take(2000)
            .Select(f => Path.GetRelativePath(root, f))
            .ToArray();
        if (files.Length == 0)
        {
            return;
        }

        var random = new Random(1);
        long n = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Zipf-like: index ~ (files + 1)^u - 1 for u uniform in [0, 1).
            int index = (int)Math.Min(files.Length - 1, Math.Floor(Math.Pow(files.Length + 1, random.NextDouble()) - 1));
            string path = ++n % 200 == 0 ? "missing-" + n + ".txt" : files[index];
            try
            {
                await cache.ReadAsync(SampleApp.Project, path, stoppingToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // Missing, unreadable or out-of-root files count as failed loads: that is part of the show.
            }

            if (n % 50 == 0)
            {
                await Task.Delay(5, stoppingToken);
            }
        }
    }
}
