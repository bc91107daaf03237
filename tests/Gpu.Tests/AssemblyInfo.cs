// The tests share one device and its allocator, whose byte counts some of them assert, so they run
// one at a time.
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]
