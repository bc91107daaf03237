// Bad input throws EngineException whose message names the op and shows the shapes involved.
using Xunit;
using static Engine.Tensors.Tests.ArrayGen;

namespace Engine.Tensors.Tests;

public class ErrorTests
{
    private static readonly NDArray A23 = NDArray.Ones([2, 3]);
    private static readonly NDArray A45 = NDArray.Ones([4, 5]);

    [Fact]
    public void ElementwiseShapeAndDTypeMismatch()
    {
        Throws(() => A23.Add(A45), "add", "[2, 3]", "[4, 5]");
        Throws(() => A23.Binary(BinaryOp.Lt, NDArray.Ones([3, 3])), "lt", "[2, 3]", "[3, 3]");
        Throws(() => A23.Mul(NDArray.Ones([2, 3], DType.Float64)), "mul", "float32", "float64", "[2, 3]");
        Throws(() => NDArray.Ones([2], DType.Int64).Exp(), "exp", "int64", "[2]");
        Throws(() => NDArray.Ones([2], DType.Int64).Div(NDArray.Ones([2], DType.Int64)), "div", "int64");
        Throws(() => NDArray.Where(A23, A23, A45), "where", "[2, 3]", "[4, 5]");
        Throws(() => NDArray.Where(A23, A23, NDArray.Ones([2, 3], DType.Int64)), "where", "float32", "int64");
        Throws(() => A23.MaskedFill(NDArray.Ones([4]), 0), "where", "[4]", "[2, 3]");
    }

    [Fact]
    public void MatMulMismatch()
    {
        Throws(() => A23.MatMul(A45), "matmul", "[2, 3]", "[4, 5]");
        Throws(() => NDArray.Ones([2, 2, 3]).MatMul(NDArray.Ones([3, 3, 1])), "matmul", "[2]", "[3]");
        Throws(() => A23.MatMul(NDArray.Scalar(1)), "matmul", "[2, 3]", "[]");
        Throws(() => A23.MatMul(NDArray.Ones([3, 2], DType.Float64)), "matmul", "float32", "float64");
        Throws(() => NDArray.Ones([2, 2], DType.Int64).MatMul(NDArray.Ones([2, 2], DType.Int64)), "matmul", "int64", "[2, 2]");
        Throws(() => NDArray.Ones([3]).MatMul(NDArray.Ones([4])), "matmul", "[3]", "[4]");
    }

    [Fact]
    public void InvalidAxes()
    {
        Throws(() => A23.Sum(2), "sum", "axis 2", "rank 2");
        Throws(() => A23.Sum(-3), "sum", "axis -3");
        Throws(() => A23.Sum(0, -2), "sum", "repeated");
        Throws(() => A23.Max([5]), "max", "axis 5");
        Throws(() => A23.ArgMax(2), "argmax", "axis 2");
        Throws(() => A23.Softmax(3), "softmax", "axis 3");
        Throws(() => A23.CumSum(-3), "cumsum", "axis -3");
        Throws(() => A23.Permute(0, 0), "permute", "repeats");
        Throws(() => A23.Permute(0), "permute", "[2, 3]");
        Throws(() => A23.Transpose(0, 2), "transpose", "axis 2");
        Throws(() => NDArray.Ones([3]).MT(), "mT", "[3]");
        Throws(() => A23.Slice(2, 0, 1), "slice", "axis 2");
        Throws(() => A23.Unsqueeze(4), "unsqueeze", "axis 4");
        Throws(() => A23.Dim(2), "dim", "axis 2");
        Throws(() => NDArray.Zeros([2, 0]).Max([1]), "max", "empty", "[2, 0]");
        Throws(() => NDArray.Zeros([0, 2]).ArgMin(0), "argmin", "empty", "[0, 2]");
    }

    [Fact]
    public void BadReshapeAndSlice()
    {
        Throws(() => A23.Reshape(4, 2), "reshape", "[2, 3]", "[4, 2]");
        Throws(() => A23.Reshape(-1, -1), "reshape", "-1");
        Throws(() => A23.Reshape(4, -1), "reshape", "[2, 3]", "[4, -1]");
        Throws(() => A23.Reshape(-2, 3), "reshape", "negative");
        Throws(() => A23.View(7), "view", "[2, 3]");
        Throws(() => A23.Slice(1, 0, 2, 0), "slice", "step");
        Throws(() => A23.Expand(3, 3), "expand", "[2, 3]", "[3, 3]");
        Throws(() => A23.Expand(3), "expand", "[2, 3]", "[3]");
        Throws(() => NDArray.Zeros([2, -1]), "empty", "[2, -1]");
    }

    [Fact]
    public void OutOfRangeIndices()
    {
        var x = NDArray.Arange(6).Reshape(2, 3);
        Throws(() => x.Gather(1, NDArray.FromArray(new long[] { 0, 3 }, 1, 2)), "gather", "index 3", "[2, 3]");
        Throws(() => x.Gather(0, NDArray.FromArray(new long[] { -1 }, 1, 1)), "gather", "index -1");
        Throws(() => x.Gather(1, NDArray.FromArray(new long[] { 0, 0, 0 }, 3, 1)), "gather", "[3, 1]", "[2, 3]");
        Throws(() => x.Gather(1, NDArray.FromArray(new long[] { 0, 1 })), "gather", "[2]", "[2, 3]");
        Throws(() => x.ScatterAdd(0, NDArray.FromArray(new long[] { 2 }, 1, 1), NDArray.Ones([1, 1])), "scatter_add", "index 2", "[2, 3]");
        Throws(() => x.ScatterAdd(0, NDArray.FromArray(new long[] { 0, 0 }, 2, 1), NDArray.Ones([1, 1])), "scatter_add", "[2, 1]", "[1, 1]");
        Throws(() => x.IndexSelect(1, NDArray.FromArray(new long[] { 1, 5 })), "gather", "index 5", "[2, 3]");
        Throws(() => x.IndexSelect(1, NDArray.FromArray(new long[] { 1 }, 1, 1)), "index_select", "[1, 1]");
        Throws(() => NDArray.OneHot(NDArray.FromArray(new long[] { 0, 4 }), 4), "one_hot", "index 4", "4");
        Throws(() => NDArray.OneHot(NDArray.FromArray(new long[] { -1 }), 4), "one_hot", "index -1");
        Throws(() => NDArray.OneHot(NDArray.FromArray(new long[] { 0 }), 0), "one_hot", "numClasses");
        Throws(() => { _ = x[2, 0]; }, "index", "2", "[2, 3]");
        Throws(() => { _ = x[0]; }, "index", "[2, 3]");
        Throws(() => x.Select(0, -3), "select", "-3", "[2, 3]");
        Throws(() => x.Item(), "item", "[2, 3]");
    }

    [Fact]
    public void WrongDTypeForIndices()
    {
        var x = NDArray.Arange(6).Reshape(2, 3);
        Throws(() => x.Gather(1, NDArray.Zeros([2, 1])), "gather", "int64", "float32");
        Throws(() => x.ScatterAdd(1, NDArray.Zeros([2, 1], DType.Float64), NDArray.Ones([2, 1])), "scatter_add", "int64", "float64");
        Throws(() => x.IndexSelect(0, NDArray.Zeros([1])), "gather", "int64");
        Throws(() => NDArray.OneHot(NDArray.Zeros([2]), 3), "one_hot", "int64", "float32");
        Throws(() => x.ScatterAdd(1, NDArray.Zeros([2, 1], DType.Int64), NDArray.Ones([2, 1], DType.Float64)), "scatter_add", "float32", "float64");
        Throws(() => x.ToArray<double>(), "to-array", "float32");
        Throws(() => x.Span<long>(), "storage", "float32", "Int64");
    }

    [Fact]
    public void AssemblyAndCopyMismatch()
    {
        Throws(() => NDArray.Cat([A23, A45], 0), "cat", "[2, 3]", "[4, 5]");
        Throws(() => NDArray.Cat([A23, NDArray.Ones([2])], 0), "cat", "[2, 3]", "[2]");
        Throws(() => NDArray.Cat([A23, NDArray.Ones([2, 3], DType.Int64)], 0), "cat", "float32", "int64");
        Throws(() => NDArray.Cat([], 0), "cat");
        Throws(() => NDArray.Cat([A23], 2), "cat", "axis 2");
        Throws(() => NDArray.Stack([A23, NDArray.Ones([3, 2])], 0), "stack", "[2, 3]", "[3, 2]");
        Throws(() => A23.Split([1, 1], 1), "split", "[1, 1]", "[2, 3]");
        Throws(() => A23.Split([4, -1], 0), "split", "negative");
        Throws(() => A23.Pad([1, 1, 1]), "pad", "[1, 1, 1]");
        Throws(() => A23.Pad([1, -1]), "pad", "non-negative");
        Throws(() => A23.CopyFrom(A45), "copy", "[4, 5]", "[2, 3]");
        Throws(() => NDArray.Zeros([3]).Reshape(3, 1).Expand(3, 4).CopyFrom(NDArray.Ones([3, 4])), "copy", "[3, 4]", "expanded");
        Throws(() => A23.MT().Span<float>(), "span", "[3, 2]", "Contiguous");
        Throws(() => A23.Var([0, 0]), "var", "repeated");
    }
}
