namespace FileCache.Loading;

/// <summary>
/// One stage of the load pipeline, in the ASP.NET Core middleware style: it gets the load and the rest of the pipeline,
/// and may answer itself, call <paramref name="next"/> and look at or change its result, or throw (a failed load:
/// nothing is cached and every waiter sees the exception).
/// </summary>
/// <param name="context">The load.</param>
/// <param name="next">The rest of the pipeline.</param>
/// <returns>A task that completes when the stage is done.</returns>
public delegate ValueTask FileLoadStage(FileLoadContext context, FileLoadHandler next);
