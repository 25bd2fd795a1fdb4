"""Sub-commands of ``imb-tracker`` that need the store (imported only when used)."""
