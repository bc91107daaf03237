// The embedded default corpus (the project's docs and product source, see Training.csproj), written out
// as files so it goes through the same streaming TextCorpus as a user's own data.
using System.Reflection;

namespace Engine.Training.Data;

public static class DefaultCorpus
{
    private const string Prefix = "corpus/";

    /// <summary>Writes every embedded document into folder (created if needed) and returns the folder.</summary>
    public static string Extract(string folder)
    {
        Directory.CreateDirectory(folder);
        var assembly = typeof(DefaultCorpus).Assembly;
        var names = assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        for (int i = 0; i < names.Count; i++)
        {
            string relative = names[i][Prefix.Length..].Replace('\\', '/').TrimStart('.', '/');
            string fileName = $"{i:D4}_{relative.Replace('/', '_')}";
            using var source = assembly.GetManifestResourceStream(names[i])!;
            using var target = File.Create(Path.Combine(folder, fileName));
            source.CopyTo(target);
        }
        return folder;
    }
}
