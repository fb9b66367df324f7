using System.Diagnostics;
using FileCache.Compression;
using FileCache.Sources;

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
    private readonly int? _compressionThreshold;
    private readonly double _minCompressionSavings;

    public LoadPipeline(IEnumerable<FileLoadStage> stages, int? compressionThreshold, double minCompressionSavings)
    {
        _compressionThreshold = compressionThreshold;
        _minCompressionSavings = minCompressionSavings;
        var all = new List<FileLoadStage> { TelemetryAsync };
        if (compressionThreshold is int threshold)
        {
            // Built once: no closure or delegate is allocated per load (every stage's `next` is fixed here too).
            all.Add((context, next) => CompressAsync(context, next, threshold, minCompressionSavings));
        }

        int builtIn = all.Count;
        all.AddRange(stages);
        HasUserStages = all.Count > builtIn;
        FileLoadHandler run = ReadThroughAsync;
        for (int i = all.Count - 1; i >= 0; i--)
        {
            var stage = all[i];
            var next = run;
            run = context => stage(context, next);
        }

        _run = run;
    }

    /// <summary>
    /// Gets a value indicating whether stages were registered. Without any, a miss of a physical project runs the built-in
    /// stages fused into the engine's loader (<see cref="RecordingLoadActivity"/>, <see cref="TryCompress"/>): the same
    /// steps in the same order, with no <see cref="FileLoadContext"/>, delegate or extra state machine (see
    /// <c>Internal/readme.md</c>).
    /// </summary>
    public bool HasUserStages { get; }

    /// <summary>
    /// The compression stage's work on bytes already read: the LZ4 block when compression is on, the file large enough
    /// and the block worth keeping. <paramref name="tried"/> tells whether compression is on at all.
    /// </summary>
    public byte[]? TryCompress(ReadOnlySpan<byte> content, out bool tried)
    {
        if (_compressionThreshold is not int threshold)
        {
            tried = false;
            return null;
        }

        tried = true;
        return CompressedFile.TryEncode(content, threshold, _minCompressionSavings);
    }

    /// <summary>The telemetry stage's test: the load activity, when somebody records it; otherwise <see langword="null"/> and nothing is done.</summary>
    public static Activity? RecordingLoadActivity()
    {
        var activity = Activity.Current;
        return activity is null || !activity.IsAllDataRequested || activity.OperationName != FileCache.Telemetry.FileCacheTelemetry.LoadActivity ? null : activity;
    }

    /// <summary>The telemetry stage's tags after a successful load.</summary>
    public static void TagResult(Activity activity, string? origin, int bytes)
    {
        activity.SetTag("filecache.load.origin", origin);
        activity.SetTag("filecache.load.bytes", bytes);
    }

    /// <summary>The telemetry stage's tag after a failed load; returns <see langword="false"/>, so it can sit in an exception filter.</summary>
    public static bool TagFailure(Activity activity, Exception exception)
    {
        if (exception is not OperationCanceledException)
        {
            activity.SetTag("filecache.load.error", exception.GetType().Name);
        }

        return false;
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
    private static ValueTask ReadThroughAsync(FileLoadContext context)
    {
        if (context.Source is PhysicalFileSource physical)
        {
            // The key's path is already canonical: join it to the root and read, without the public method's checks and
            // its extra state machine.
            return ReadPhysicalAsync(context, physical);
        }

        var pending = context.Source.ReadAsync(context.Path, context.CancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            var read = pending.Result;
            context.SetResult(read.Content, read.Version, read.Location, SourceOrigin);
            return default;
        }

        return AwaitReadAsync(context, pending);
    }

    private static async ValueTask AwaitReadAsync(FileLoadContext context, ValueTask<FileSourceContent> pending)
    {
        var read = await pending.ConfigureAwait(false);
        context.SetResult(read.Content, read.Version, read.Location, SourceOrigin);
    }

    private static async ValueTask ReadPhysicalAsync(FileLoadContext context, PhysicalFileSource physical)
    {
        string fullPath = Path.Join(physical.Root, context.Path);
        var (content, version) = await PhysicalFileReader.ReadAsync(fullPath, physical.Root, context.CancellationToken).ConfigureAwait(false);
        context.SetResult(content, version, fullPath, SourceOrigin);
    }

    /// <summary>Compresses the result of the stages below (LZ4) when it is large enough and the block saves enough.</summary>
    private static async ValueTask CompressAsync(FileLoadContext context, FileLoadHandler next, int threshold, double minSavings)
    {
        await next(context).ConfigureAwait(false);
        if (context.HasResult)
        {
            context.CompressedBlock = CompressedFile.TryEncode(context.Content.Span, threshold, minSavings);
            context.CompressionTried = true;
        }
    }

    /// <summary>
    /// Tells the load's activity (started by the engine for every load, current in the loader's flow) where the bytes
    /// came from and how many there were, or that the stages failed. Nothing is done when nobody records the activity.
    /// </summary>
    private static ValueTask TelemetryAsync(FileLoadContext context, FileLoadHandler next)
    {
        var activity = RecordingLoadActivity();
        if (activity is null)
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
        catch (Exception ex) when (TagFailure(activity, ex))
        {
            throw; // never reached: the filter tags and declines
        }

        TagResult(activity, context.Origin, context.Content.Length);
    }
}
