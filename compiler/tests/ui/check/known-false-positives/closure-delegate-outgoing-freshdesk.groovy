// Valid in Groovy: every closure has `delegate`, `owner` and `thisObject`. The checker
// reports them as unknown names (E0113).
def describe = { -> "${delegate.class.simpleName} in ${owner}" }
replica.customKeys.described = describe()
