using System.Text;

namespace Portico.Tests.TestSupport;

/// <summary>The processes running now (Linux <c>/proc</c>) whose environment mentions a marker, e.g. a test server's directory.</summary>
internal static class ChildProcesses
{
    public static int WithEnvironment(string marker)
    {
        var count = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out _))
            {
                continue;
            }

            try
            {
                if (Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(directory, "environ"))).Contains(marker, StringComparison.Ordinal))
                {
                    count++;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return count;
    }
}
