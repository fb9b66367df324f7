using FileCache.Loading;
using Microsoft.Extensions.DependencyInjection;

using FileCache;
using FileCache.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers stages of the load pipeline.</summary>
public static class FileCacheBuilderLoadExtensions
{
    /// <summary>
    /// Adds a stage to the load pipeline, after the stages registered before it and before the read from the source
    /// (ASP.NET Core middleware style). Every file miss runs through it once; hits never do. A stage that throws fails
    /// the load: nothing is cached and every waiter sees the exception.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="stage">The stage: <c>(context, next) =&gt; ...</c>.</param>
    /// <returns>The builder.</returns>
    public static IFileCacheBuilder UseLoadStage(this IFileCacheBuilder builder, FileLoadStage stage)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(stage);
        builder.Services.Configure<FileCacheOptions>(options => options.LoadStages.Add(stage));
        return builder;
    }
}
