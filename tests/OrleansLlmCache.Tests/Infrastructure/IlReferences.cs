using System.Reflection;
using System.Reflection.Emit;

namespace OrleansLlmCache.Tests.Infrastructure;

/// <summary>
/// The types a method's IL names (the methods it calls, the fields it touches, the types it creates or casts to) and the
/// strings it loads, read from the compiled body, so that a convention test sees what a test really uses and not only
/// what its signature says.
/// </summary>
public static class IlReferences
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Every type <paramref name="method"/>'s body refers to, with the generic arguments of each.</summary>
    public static IEnumerable<Type> TypesUsedBy(MethodBase method) =>
        Operands(method).Select(o => o.Type).OfType<Type>();

    /// <summary>Every string literal <paramref name="method"/>'s body loads.</summary>
    public static IEnumerable<string> StringsUsedBy(MethodBase method) =>
        Operands(method).Select(o => o.Text).OfType<string>();

    private static IEnumerable<(Type? Type, string? Text)> Operands(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method is { IsGenericMethod: true } ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            OpCode opCode;
            if (il[i] == 0xFE)
            {
                opCode = OpCodesByValue[unchecked((short)(0xFE00 | il[i + 1]))];
                i += 2;
            }
            else
            {
                opCode = OpCodesByValue[il[i]];
                i++;
            }

            switch (opCode.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok:
                    foreach (var type in TypesOf(Resolve(method.Module, BitConverter.ToInt32(il, i), typeArguments, methodArguments)))
                    {
                        yield return (type, null);
                    }

                    i += 4;
                    break;
                case OperandType.InlineString:
                    yield return (null, method.Module.ResolveString(BitConverter.ToInt32(il, i)));
                    i += 4;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + (4 * BitConverter.ToInt32(il, i));
                    break;
                default: // InlineI, InlineBrTarget, InlineSig, ShortInlineR
                    i += 4;
                    break;
            }
        }
    }

    /// <summary>A type with its generic arguments, element types and (for a nested type) the types it is nested in.</summary>
    public static IEnumerable<Type> Unfold(Type type)
    {
        yield return type;
        if (type.HasElementType)
        {
            foreach (var inner in Unfold(type.GetElementType()!))
            {
                yield return inner;
            }
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            yield return type.GetGenericTypeDefinition();
            foreach (var inner in type.GetGenericArguments().SelectMany(Unfold))
            {
                yield return inner;
            }
        }
    }

    private static MemberInfo? Resolve(Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
    {
        try
        {
            return module.ResolveMember(token, typeArguments, methodArguments);
        }
        catch (ArgumentException)
        {
            return null; // a token of a kind ResolveMember does not take (a signature); it names no type this test needs
        }
    }

    private static IEnumerable<Type> TypesOf(MemberInfo? member) => member switch
    {
        Type type => Unfold(type),
        FieldInfo field => Unfold(field.DeclaringType!).Concat(Unfold(field.FieldType)),
        MethodBase called => Unfold(called.DeclaringType!)
            .Concat(called is MethodInfo { IsGenericMethod: true } generic ? generic.GetGenericArguments().SelectMany(Unfold) : [])
            .Concat(called is MethodInfo info ? Unfold(info.ReturnType) : []),
        _ => [],
    };
}
