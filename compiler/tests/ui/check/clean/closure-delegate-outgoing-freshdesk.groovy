// Every Groovy closure has `delegate`, `owner` and `thisObject`; the checker knows them.
def describe = { -> "${delegate.class.simpleName} in ${owner}" }
replica.customKeys.described = describe()
