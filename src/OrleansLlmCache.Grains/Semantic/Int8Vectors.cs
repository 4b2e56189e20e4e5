using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace OrleansLlmCache.Grains.Semantic;

/// <summary>
/// Unit vectors as int8 with one float scale each (388 bytes for 384 dimensions instead of 1,536): a quarter of the
/// memory and of the bytes a scan reads, which is what bounds a scan of a large index.
/// </summary>
internal static class Int8Vectors
{
    /// <summary>Symmetric quantisation: <c>v[i] ≈ target[i] * scale</c>, the largest component mapped to ±127.</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> target)
    {
        var max = vector.IsEmpty ? 0 : TensorPrimitives.MaxMagnitude(vector);
        var magnitude = Math.Abs(max);
        if (!(magnitude > 0) || !float.IsFinite(magnitude))
        {
            target.Clear();
            return 0;
        }

        var inverse = 127f / magnitude;
        for (var i = 0; i < vector.Length; i++)
        {
            target[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] * inverse), -127f, 127f);
        }

        return magnitude / 127f;
    }

    /// <summary>
    /// The integer dot product of two int8 vectors. TensorPrimitives has no widening int8 dot (its <c>Dot&lt;sbyte&gt;</c>
    /// would overflow), so this widens to int16 and uses <c>vpmaddwd</c> (multiply and add pairs into int32) with
    /// AVX-512 or AVX2, and portable vectors elsewhere.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        var length = Math.Min(a.Length, b.Length);
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        nuint i = 0;
        var sum = 0;
        if (Avx512BW.IsSupported && length >= 32)
        {
            var acc = Vector512<int>.Zero;
            for (; (int)i <= length - 32; i += 32)
            {
                var va = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref ra, i));
                var vb = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref rb, i));
                acc = Avx512F.Add(acc, Avx512BW.MultiplyAddAdjacent(va, vb));
            }

            sum = Vector512.Sum(acc);
        }
        else if (Avx2.IsSupported && length >= 16)
        {
            var acc = Vector256<int>.Zero;
            for (; (int)i <= length - 16; i += 16)
            {
                var va = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref ra, i));
                var vb = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref rb, i));
                acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(va, vb));
            }

            sum = Vector256.Sum(acc);
        }
        else if (Vector128.IsHardwareAccelerated && length >= 16)
        {
            var acc = Vector128<int>.Zero;
            for (; (int)i <= length - 16; i += 16)
            {
                var (aLow, aHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref ra, i));
                var (bLow, bHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref rb, i));
                var (p0, p1) = Vector128.Widen(aLow * bLow);
                var (p2, p3) = Vector128.Widen(aHigh * bHigh);
                acc += p0 + p1 + p2 + p3;
            }

            sum = Vector128.Sum(acc);
        }

        for (; (int)i < length; i++)
        {
            sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        }

        return sum;
    }

    /// <summary>The dot product of a float query and a stored int8 vector with its scale: the score reported.</summary>
    public static float Dot(ReadOnlySpan<float> query, ReadOnlySpan<sbyte> stored, float scale, Span<float> scratch)
    {
        var widened = scratch[..stored.Length];
        TensorPrimitives.ConvertChecked(stored, widened);
        return TensorPrimitives.Dot(query, widened) * scale;
    }
}
