"""What every room of ``amhp`` shares and that depends on nothing else of it:
one ``Settings``, the states of rotas and runs, month labels."""
