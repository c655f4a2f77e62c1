// Node 20 has String.prototype.isWellFormed (V8 11.3); TypeScript only declares it in lib es2024,
// which the project does not enable because Node 20 lacks other es2024 APIs (Object.groupBy, …).
interface String {
  isWellFormed(): boolean;
}
