using System.Diagnostics;
using FileCache.Compression;

namespace FileCache.Loading;

/// <summary>
/// The stages a miss runs through, composed once when the cache is built: telemetry, then compression, then the
/// user's stages in registration order, then the read from the project's source. See <c>Internal/readme.md</c>.
/// </summary>
internal sealed class LoadPipeline
{
    /// <summary>The origin the read-through stage gives its results.</summary>
    public const string SourceOrigin = "source";

    private readonly FileLoadHandler _run;

    public LoadPipeline(IEnumerable<FileLoadStage> stages, int? compressionThreshold, double minCompressionSavings, K4os.Compression.LZ4.LZ4Level compressionLevel = K4os.Compression.LZ4.LZ4Level.L00_FAST)
    {
        var all = new List<FileLoadStage> { TelemetryAsync };
        if (compressionThreshold is int threshold)
        {
            all.Add((context, next) => CompressAsync(context, next, threshold, minCompressionSavings, compressionLevel));
        }

        all.AddRange(stages);
        FileLoadHandler run = ReadThroughAsync;
        for (int i = all.Count - 1; i >= 0; i--)
        {
            var stage = all[i];
            var next = run;
            run = context => stage(context, next);
        }

        _run = run;
    }

    /// <summary>Runs the pipeline; afterwards the context holds a result (see <see cref="EnsureResult"/>), or this threw.</summary>
    public ValueTask RunAsync(FileLoadContext context) => _run(context);

    /// <summary>Throws when the stages ended without a result (one returned without calling the next or answering).</summary>
    public static void EnsureResult(FileLoadContext context)
    {
        if (!context.HasResult)
        {
            throw new InvalidOperationException($"No load stage produced the bytes of '{context.Path}' in project '{context.Project}' (a stage returned without calling the next one or setting a result).");
        }
    }

    /// <summary>The last stage: reads the file from the project's source.</summary>
    private static async ValueTask ReadThroughAsync(FileLoadContext context)
    {
        var read = await context.Source.ReadAsync(context.Path, context.CancellationToken).ConfigureAwait(false);
        context.SetResult(read.Content, read.Version, read.Location, SourceOrigin);
    }

    /// <summary>Compresses the result of the stages below (LZ4) when it is large enough and the block saves enough.</summary>
    private static async ValueTask CompressAsync(FileLoadContext context, FileLoadHandler next, int threshold, double minSavings, K4os.Compression.LZ4.LZ4Level level)
    {
        await next(context).ConfigureAwait(false);
        if (context.HasResult)
        {
            context.CompressedBlock = CompressedFile.TryEncode(context.Content.Span, threshold, minSavings, level);
            context.CompressionTried = true;
        }
    }

    /// <summary>
    /// Tells the load's activity (started by the engine for every load, current in the loader's flow) where the bytes
    /// came from and how many there were, or that the stages failed. Nothing is done when nobody records the activity.
    /// </summary>
    private static ValueTask TelemetryAsync(FileLoadContext context, FileLoadHandler next)
    {
        var activity = Activity.Current;
        if (activity is null || !activity.IsAllDataRequested || activity.OperationName != FileCache.Telemetry.FileCacheTelemetry.LoadActivity)
        {
            // Nobody records the load: no state machine, the next stage's task is returned as it is.
            return next(context);
        }

        return TagAsync(activity, context, next);
    }

    private static async ValueTask TagAsync(Activity activity, FileLoadContext context, FileLoadHandler next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            activity.SetTag("filecache.load.error", ex.GetType().Name);
            throw;
        }

        activity.SetTag("filecache.load.origin", context.Origin);
        activity.SetTag("filecache.load.bytes", context.Content.Length);
    }
}
