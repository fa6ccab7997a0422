using System.Reflection;
using System.Reflection.Emit;

namespace Portico.Tests.Architecture;

/// <summary>
/// Which folder of <c>src/Portico</c> uses which, read from the compiled assembly: every type's base types,
/// interfaces, attributes, fields, properties, signatures, locals and every type, method and field its IL names
/// (so a lambda, an async state machine or a fully qualified name counts like a <c>using</c>). A folder is the
/// first namespace segment under <c>Portico</c>; the root namespace (the composition root) is "Program".
/// </summary>
internal static class FolderDependencies
{
    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static
        | BindingFlags.Public | BindingFlags.NonPublic;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Every edge between two different folders, with the uses that make it.</summary>
    public static IReadOnlyDictionary<(string From, string To), SortedSet<string>> Read(Assembly assembly)
    {
        var edges = new Dictionary<(string, string), SortedSet<string>>();
        foreach (var type in assembly.GetTypes())
        {
            var from = FolderOf(type);
            if (from is null)
            {
                continue;
            }

            foreach (var used in Uses(type))
            {
                Visit(used, type, from, assembly, edges, depth: 0);
            }
        }

        return edges;
    }

    public static string? FolderOf(Type type)
    {
        var ns = type.Namespace;
        if (ns is null || (ns != "Portico" && !ns.StartsWith("Portico.", StringComparison.Ordinal)))
        {
            return null;
        }

        if (ns == "Portico")
        {
            return "Program";
        }

        var rest = ns["Portico.".Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    private static Type Outermost(Type type) => type.DeclaringType is { } outer ? Outermost(outer) : type;

    private static void Visit(Type? used, Type user, string from, Assembly assembly,
        Dictionary<(string, string), SortedSet<string>> edges, int depth)
    {
        if (used is null || depth > 8)
        {
            return;
        }

        if (used.HasElementType)
        {
            Visit(used.GetElementType(), user, from, assembly, edges, depth + 1);
            return;
        }

        if (used.IsGenericType && !used.IsGenericTypeDefinition)
        {
            foreach (var argument in used.GetGenericArguments())
            {
                Visit(argument, user, from, assembly, edges, depth + 1);
            }

            used = used.GetGenericTypeDefinition();
        }

        if (used.IsGenericParameter || used.Assembly != assembly)
        {
            return;
        }

        var to = FolderOf(used);
        if (to is not null && to != from)
        {
            if (!edges.TryGetValue((from, to), out var uses))
            {
                edges[(from, to)] = uses = new SortedSet<string>(StringComparer.Ordinal);
            }

            uses.Add($"{Outermost(user).FullName} uses {used.FullName}");
        }
    }

    private static IEnumerable<Type?> Uses(Type type)
    {
        yield return type.BaseType;
        foreach (var contract in type.GetInterfaces())
        {
            yield return contract;
        }

        foreach (var attribute in type.CustomAttributes)
        {
            yield return attribute.AttributeType;
        }

        foreach (var field in type.GetFields(Declared))
        {
            yield return field.FieldType;
        }

        foreach (var property in type.GetProperties(Declared))
        {
            yield return property.PropertyType;
        }

        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo info)
            {
                yield return info.ReturnType;
            }

            foreach (var parameter in method.GetParameters())
            {
                yield return parameter.ParameterType;
            }

            foreach (var attribute in method.CustomAttributes)
            {
                yield return attribute.AttributeType;
            }

            foreach (var used in BodyUses(method))
            {
                yield return used;
            }
        }
    }

    private static IEnumerable<Type> BodyUses(MethodBase method)
    {
        var body = method.GetMethodBody();
        if (body is null)
        {
            yield break;
        }

        foreach (var local in body.LocalVariables)
        {
            yield return local.LocalType;
        }

        var il = body.GetILAsByteArray() ?? [];
        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            short value = il[position++];
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il[position++]);
            }

            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                    var token = BitConverter.ToInt32(il, position);
                    position += 4;
                    foreach (var used in Resolve(method.Module, token, typeArguments, methodArguments))
                    {
                        yield return used;
                    }

                    break;
                case OperandType.InlineSwitch:
                    position += 4 + (4 * BitConverter.ToInt32(il, position));
                    break;
                default:
                    position += OperandSize(opCode.OperandType);
                    break;
            }
        }
    }

    private static IEnumerable<Type> Resolve(Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
    {
        var member = module.ResolveMember(token, typeArguments, methodArguments);
        switch (member)
        {
            case Type type:
                yield return type;
                break;
            case MethodInfo method:
                yield return method.DeclaringType!;
                if (method.IsGenericMethod)
                {
                    foreach (var argument in method.GetGenericArguments())
                    {
                        yield return argument;
                    }
                }

                break;
            case { DeclaringType: { } declaring }:
                yield return declaring;
                break;
        }
    }

    private static int OperandSize(OperandType operand) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,
    };
}
