using System.Security.Cryptography;

namespace Portico.Tasks;

/// <summary>Task ids and input-request keys: random, so nobody finds a task by guessing (access is checked anyway).</summary>
internal static class TaskIds
{
    /// <summary>128 random bits, hex: 36 characters with the prefix.</summary>
    public static string New() => "task_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string NewInputKey() => "input_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>A string that can be a task id at all (others are unknown without a lookup).</summary>
    public static bool IsPlausible(string id) => id.Length is > 0 and <= TaskProtocol.MaxTaskIdLength;
}
