// Test-wide usings.
global using Xunit;
