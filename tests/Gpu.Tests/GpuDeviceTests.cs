// The device model: arrays know their device, To copies both ways, mixing devices is a clear error,
// host scalars join device arrays, released memory goes back to the allocator, and running out of
// device memory names the request.
using Engine.Autograd;
using Engine.Tensors;
using Engine.Tensors.Gpu;
using Xunit;

namespace Engine.Gpu.Tests;

public class GpuDeviceTests
{
    [Fact]
    public void ToCopiesToTheDeviceAndBack()
    {
        var host = NDArray.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3).Transpose(0, 1);
        var onDevice = host.To(TestDevice.Device);
        Assert.Equal(TestDevice.Device, onDevice.Device);
        Assert.NotSame(host.Storage, onDevice.Storage);
        var back = onDevice.To(Device.Cpu);
        Assert.Equal(Device.Cpu, back.Device);
        Assert.Equal(new double[] { 1, 4, 2, 5, 3, 6 }, back.ToArray<double>());
        Assert.Same(onDevice, onDevice.To(TestDevice.Device));
    }

    [Fact]
    public void MixingDevicesIsAClearError()
    {
        var a = NDArray.Ones([2, 2]);
        var b = NDArray.Ones([2, 2]).To(TestDevice.Device);
        var e = Assert.Throws<EngineException>(() => a + b);
        Assert.Contains("different devices", e.Message);
        Assert.Contains(TestDevice.Name, e.Message);
        var t = new Tensor(a, requiresGrad: true);
        var u = new Tensor(b, requiresGrad: true);
        Assert.Throws<EngineException>(() => t.MatMul(u));
    }

    [Fact]
    public void HostScalarsJoinDeviceArrays()
    {
        var x = NDArray.FromArray(new float[] { 1, 2, 3 }).To(TestDevice.Device);
        var y = 10.0 - x * 2.0;
        Assert.Equal(TestDevice.Device, y.Device);
        Assert.Equal(new float[] { 8, 6, 4 }, y.ToArray<float>());
    }

    [Fact]
    public void ReadingDeviceStorageOnTheCpuSaysWhereItLives()
    {
        var x = NDArray.Ones([3]).To(TestDevice.Device);
        var e = Assert.Throws<EngineException>(() => x.Span<float>());
        Assert.Contains("lives on", e.Message);
    }

    [Fact]
    public void ScopesAndFreeGiveMemoryBack()
    {
        var allocator = GpuDevice.Get(TestDevice.Device).Allocator;
        // Blocks that earlier tests left unreachable come back through their finalizers, which queue them
        // for the next allocation; let that happen now (collect, then allocate and free one block), not
        // while the counts below are compared.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        NDArray.Zeros([1], DType.Float32, TestDevice.Device).Storage.Free();
        long before = allocator.BytesInUse;
        using (BufferScope.Begin())
        {
            var a = NDArray.Ones([1000]).To(TestDevice.Device);
            var b = a * 3.0;
            Assert.True(allocator.BytesInUse >= before + 8000, $"{allocator.BytesInUse} bytes in use, {before} before the two 4000-byte arrays");
            Assert.Equal(3f, b.ToArray<float>()[999]);
        }
        Assert.Equal(before, allocator.BytesInUse);
        var kept = NDArray.Zeros([256], DType.Float64, TestDevice.Device);
        Assert.True(allocator.BytesInUse > before);
        kept.Storage.Free();
        Assert.Equal(before, allocator.BytesInUse);
        Assert.Throws<EngineException>(() => kept.Item());
    }

    [Fact]
    public void OutOfMemoryNamesTheRequest()
    {
        var allocator = GpuDevice.Get(TestDevice.Device).Allocator;
        var saved = allocator.LimitBytes;
        try
        {
            allocator.LimitBytes = allocator.BytesInUse + (1 << 20);
            var e = Assert.Throws<EngineException>(() => NDArray.Zeros([1 << 20], DType.Float32, TestDevice.Device));
            Assert.Contains("out of memory", e.Message);
            Assert.Contains("4 MiB", e.Message);
            Assert.Contains("1048576 float32 elements", e.Message);
        }
        finally
        {
            allocator.LimitBytes = saved;
        }
    }

    [Fact]
    public void UnknownDeviceIsAClearError()
    {
        var e = Assert.Throws<EngineException>(() => Device.Parse("tpu"));
        Assert.Contains("unknown device 'tpu'", e.Message);
    }
}
