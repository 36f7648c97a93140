// swhost: config language.

extension ConfigCompilerState {
    /// The rewrite-phase program of a server or location, in config order.
    /// `settings` are the enclosing level's; an `if` in a location starts from them.
    func rewriteSteps(_ directives: [ConfigDirective], ifContext: DirectiveContexts, settings: HTTPSettings) throws(ConfigDiagnostic) -> [RewriteStep] {
        var steps: [RewriteStep] = []
        for d in directives {
            let args = d.arguments.map(\.value)
            switch d.name {
            case "rewrite": steps.append(.rewrite(try rewriteRule(d, args)))
            case "return": steps.append(.return(try returnAction(d, args)))
            case "set":
                guard args[0].hasPrefix("$"), args[0].count > 1 else {
                    throw ConfigDiagnostic(.emerg, "invalid variable name \"\(args[0])\"", at: d.location)
                }
                let name = String(args[0].dropFirst()).lowercased()
                // Built-in variables cannot be redefined, except the ones nginx marks changeable.
                if VariableName.builtinNames.contains(name), name != "args", name != "limit_rate" {
                    throw ConfigDiagnostic(.emerg, "the duplicate \"\(name)\" variable", at: d.location)
                }
                definedVariables.insert(name)
                steps.append(.set(name: name, value: try template(args[1], at: d.location)))
            case "break": steps.append(.break)
            default: steps.append(.if(try ifBlock(d, ifContext: ifContext, settings: settings)))
            }
        }
        return steps
    }

    func rewriteRule(_ d: ConfigDirective, _ args: [String]) throws(ConfigDiagnostic) -> RewriteRule {
        let regex = try self.regex(args[0], caseless: false, at: d.location)
        var flag = RewriteRule.Flag.none
        if args.count == 3 {
            guard let f = RewriteRule.Flag(rawValue: args[2]), f != .none else {
                throw ConfigDiagnostic(.emerg, "invalid parameter \"\(args[2])\"", at: d.location)
            }
            flag = f
        }
        var replacement = args[1]
        let absolute = replacement.hasPrefix("http://") || replacement.hasPrefix("https://") || replacement.hasPrefix("$scheme")
        var dropsArguments = false
        if replacement.hasSuffix("?") {
            dropsArguments = true
            replacement.removeLast()
        }
        return RewriteRule(regex: regex, replacement: try template(replacement, at: d.location), flag: flag,
                           replacementIsAbsolute: absolute, dropsArguments: dropsArguments)
    }

    func returnAction(_ d: ConfigDirective, _ args: [String]) throws(ConfigDiagnostic) -> ReturnAction {
        if let code = Int(args[0]), args[0].allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard code <= 999 else { throw ConfigDiagnostic(.emerg, "invalid return code \"\(args[0])\"", at: d.location) }
            return ReturnAction(code: code, text: args.count > 1 ? try template(args[1], at: d.location) : nil)
        }
        guard args.count == 1,
              args[0].hasPrefix("http://") || args[0].hasPrefix("https://") || args[0].hasPrefix("$scheme") else {
            throw ConfigDiagnostic(.emerg, "invalid return code \"\(args[0])\"", at: d.location)
        }
        return ReturnAction(code: 302, text: try template(args[0], at: d.location))
    }

    func ifBlock(_ d: ConfigDirective, ifContext: DirectiveContexts, settings: HTTPSettings) throws(ConfigDiagnostic) -> IfBlock {
        let condition = try ifCondition(d)
        var inner: [ConfigDirective] = []
        // Only an `if` in a location carries settings of its own (the table rejects them in a server `if`).
        var level = ifContext == .ifLocation ? SettingsLevel(settings: settings, context: .ifLocation) : nil
        var handler: ContentHandler?
        for child in d.block ?? [] {
            let spec = try lookup(child, in: ifContext)
            switch child.name {
            case "rewrite", "return", "set", "break": inner.append(child)
            case "fastcgi_pass":
                guard handler == nil else { throw duplicate(child) }
                handler = try contentHandler(child)
            default:
                guard var l = level else { throw ConfigDiagnostic(.emerg, "\"\(child.name)\" directive is not allowed here", at: child.location) }
                try apply(spec, child, to: &l)
                level = l
            }
        }
        let steps = try rewriteSteps(inner, ifContext: ifContext, settings: settings)
        let changed = level.map { !$0.slots.isEmpty } ?? false
        return IfBlock(condition: condition, steps: steps, settingsHolder: changed ? level.map { SettingsHolder($0.settings) } : nil, handler: handler)
    }

    /// nginx's `if` condition forms, after removing the parentheses.
    func ifCondition(_ d: ConfigDirective) throws(ConfigDiagnostic) -> IfCondition {
        var args = d.arguments.map(\.value)
        func invalid(_ v: String) -> ConfigDiagnostic { ConfigDiagnostic(.emerg, "invalid condition \"\(v)\"", at: d.location) }
        guard let first = args.first, first.hasPrefix("(") else { throw invalid(args.first ?? "") }
        if first == "(" { args.removeFirst() } else { args[0] = String(first.dropFirst()) }
        guard let last = args.last, last.hasSuffix(")") else { throw invalid(d.arguments.last?.value ?? "") }
        if last == ")" { args.removeLast() } else { args[args.count - 1] = String(last.dropLast()) }
        switch args.count {
        case 1:
            guard args[0].hasPrefix("$") else { throw invalid(args[0]) }
            return .isTrue(try template(args[0], at: d.location))
        case 2:
            var op = args[0]
            let negated = op.hasPrefix("!")
            if negated { op.removeFirst() }
            guard op.hasPrefix("-"), let test = IfCondition.FileTest(rawValue: String(op.dropFirst())) else {
                throw invalid(args[0])
            }
            return .file(test, try template(args[1], at: d.location), negated: negated)
        case 3:
            guard args[0].hasPrefix("$") else { throw invalid(args[0]) }
            let lhs = try template(args[0], at: d.location)
            switch args[1] {
            case "=", "!=": return .equals(lhs, try template(args[2], at: d.location), negated: args[1] == "!=")
            case "~", "~*", "!~", "!~*":
                let re = try regex(args[2], caseless: args[1].hasSuffix("*"), at: d.location)
                return .matches(lhs, re, negated: args[1].hasPrefix("!"))
            default:
                throw ConfigDiagnostic(.emerg, "unexpected \"\(args[1])\" in condition", at: d.location)
            }
        default:
            throw invalid(d.arguments.first?.value ?? "")
        }
    }
}
