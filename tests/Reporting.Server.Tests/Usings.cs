global using Xunit;
global using Reporting.Testing;
