// A strict interpreter of the part of Go's text/template that Ollama's chat templates use, for tests: it renders a
// TEMPLATE for a conversation the way Ollama executes it (.Messages with .Role and .Content, .System, variables,
// if / else if / else, range with or without $i, $m, with, the built-ins and, or, not, eq, ne, len, index, slice,
// string literals, "{{-" and "-}}" trimming). Anything else is an error, never silently ignored.
#pragma once

#include <cctype>
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace mtm::test {

struct GoMessage
{
    std::string role, content;
};

inline bool operator==(const GoMessage &a, const GoMessage &b)
{
    return a.role == b.role && a.content == b.content;
}

class GoTemplate
{
public:
    explicit GoTemplate(std::string text)
        : m_text(std::move(text))
    {
        lex();
        std::size_t at = 0;
        m_root = parseList(at, {});
        if (at != m_items.size())
            throw std::runtime_error("unexpected {{" + m_items[at].text + "}}");
    }

    // As Ollama's Execute: .System is every system message joined by blank lines, .Messages all messages.
    std::string render(const std::vector<GoMessage> &messages) const
    {
        std::string system;
        for (const GoMessage &message : messages) {
            if (message.role == "system")
                system += (system.empty() ? "" : "\n\n") + message.content;
        }
        Value root = Map{{"System", system}, {"Messages", messages}, {"Response", std::string()}};
        Scope scope{root, {{"$", root}}};
        std::string out;
        run(m_root, scope, out);
        return out;
    }

private:
    using Map = std::map<std::string, std::variant<std::string, std::vector<GoMessage>>>;
    using Value = std::variant<std::monostate, std::string, std::int64_t, bool, std::vector<GoMessage>, GoMessage, Map>;
    struct Scope
    {
        Value dot;
        std::map<std::string, Value> variables;
    };
    struct Item
    {
        bool action = false;
        std::string text; // the text, or the action's words without the braces
    };
    struct Node
    {
        enum Kind { Text, Print, If, Range, With } kind = Text;
        std::string text;               // Text, or the pipeline of Print/If/Range/With
        std::vector<std::string> names; // range's variables
        std::vector<std::unique_ptr<Node>> body, otherwise;
    };
    using List = std::vector<std::unique_ptr<Node>>;

    static std::string trimmed(const std::string &text)
    {
        const auto begin = text.find_first_not_of(" \t\r\n");
        return begin == std::string::npos ? "" : text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
    }

    void lex()
    {
        std::size_t at = 0;
        while (at < m_text.size()) {
            const std::size_t open = m_text.find("{{", at);
            std::string text = m_text.substr(at, open == std::string::npos ? std::string::npos : open - at);
            if (open == std::string::npos) {
                m_items.push_back({false, text});
                break;
            }
            const std::size_t close = m_text.find("}}", open);
            if (close == std::string::npos)
                throw std::runtime_error("unclosed action");
            std::string action = m_text.substr(open + 2, close - open - 2);
            if (action.rfind("- ", 0) == 0) { // "{{- ": trim the text before
                const auto end = text.find_last_not_of(" \t\r\n");
                text = end == std::string::npos ? "" : text.substr(0, end + 1);
                action = action.substr(1);
            }
            bool trimAfter = false;
            if (action.size() >= 2 && action.compare(action.size() - 2, 2, " -") == 0) {
                trimAfter = true;
                action.resize(action.size() - 1);
            }
            m_items.push_back({false, text});
            m_items.push_back({true, trimmed(action)});
            at = close + 2;
            if (trimAfter)
                while (at < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[at])))
                    ++at;
        }
    }

    // Parses items until one of the stop words ("end", "else"); leaves `at` on it.
    List parseList(std::size_t &at, const std::vector<std::string> &stops)
    {
        List list;
        while (at < m_items.size()) {
            const Item &item = m_items[at];
            if (!item.action) {
                auto node = std::make_unique<Node>();
                node->text = item.text;
                list.push_back(std::move(node));
                ++at;
                continue;
            }
            const std::string word = item.text.substr(0, item.text.find(' '));
            for (const std::string &stop : stops)
                if (word == stop)
                    return list;
            if (word == "end" || word == "else")
                throw std::runtime_error("unexpected {{" + item.text + "}}");
            ++at;
            auto node = std::make_unique<Node>();
            if (word == "if" || word == "with") {
                node->kind = word == "if" ? Node::If : Node::With;
                node->text = trimmed(item.text.substr(word.size()));
                parseBranches(*node, at);
            } else if (word == "range") {
                node->kind = Node::Range;
                std::string rest = trimmed(item.text.substr(5));
                const std::size_t assign = rest.find(":=");
                if (assign != std::string::npos) {
                    std::string names = rest.substr(0, assign);
                    for (std::size_t comma; (comma = names.find(',')) != std::string::npos;) {
                        node->names.push_back(trimmed(names.substr(0, comma)));
                        names = names.substr(comma + 1);
                    }
                    node->names.push_back(trimmed(names));
                    rest = trimmed(rest.substr(assign + 2));
                }
                node->text = rest;
                parseBranches(*node, at);
            } else {
                node->kind = Node::Print;
                node->text = item.text;
            }
            list.push_back(std::move(node));
        }
        if (!stops.empty())
            throw std::runtime_error("missing {{end}}");
        return list;
    }

    // The body, then "else" (or "else if", a nested if), then "end".
    void parseBranches(Node &node, std::size_t &at)
    {
        node.body = parseList(at, {"end", "else"});
        const std::string &stop = m_items.at(at).text;
        ++at;
        if (stop == "end")
            return;
        if (stop.rfind("else if ", 0) == 0) {
            auto nested = std::make_unique<Node>();
            nested->kind = Node::If;
            nested->text = trimmed(stop.substr(8));
            parseBranches(*nested, at); // consumes the shared {{end}}
            node.otherwise.push_back(std::move(nested));
            return;
        }
        if (stop != "else")
            throw std::runtime_error("unexpected {{" + stop + "}}");
        node.otherwise = parseList(at, {"end"});
        ++at;
    }

    static bool truth(const Value &value)
    {
        if (const auto *text = std::get_if<std::string>(&value))
            return !text->empty();
        if (const auto *number = std::get_if<std::int64_t>(&value))
            return *number != 0;
        if (const auto *flag = std::get_if<bool>(&value))
            return *flag;
        if (const auto *list = std::get_if<std::vector<GoMessage>>(&value))
            return !list->empty();
        return !std::holds_alternative<std::monostate>(value);
    }

    static std::string print(const Value &value)
    {
        if (const auto *text = std::get_if<std::string>(&value))
            return *text;
        if (const auto *number = std::get_if<std::int64_t>(&value))
            return std::to_string(*number);
        if (const auto *flag = std::get_if<bool>(&value))
            return *flag ? "true" : "false";
        throw std::runtime_error("cannot print that value");
    }

    static Value field(const Value &value, const std::string &name)
    {
        if (const auto *message = std::get_if<GoMessage>(&value)) {
            if (name == "Role")
                return message->role;
            if (name == "Content")
                return message->content;
        } else if (const auto *map = std::get_if<Map>(&value)) {
            const auto found = map->find(name);
            if (found == map->end())
                return std::string(); // Ollama's missingkey=zero
            return std::visit([](const auto &inside) { return Value(inside); }, found->second);
        }
        throw std::runtime_error("no field ." + name);
    }

    // Splits an expression into words, keeping "(...)" and "..." whole.
    static std::vector<std::string> words(const std::string &text)
    {
        std::vector<std::string> out;
        std::size_t at = 0;
        while (at < text.size()) {
            if (text[at] == ' ') {
                ++at;
                continue;
            }
            std::size_t end = at;
            if (text[at] == '"') {
                for (++end; end < text.size() && text[end] != '"'; ++end)
                    if (text[end] == '\\')
                        ++end;
                ++end;
            } else if (text[at] == '(') {
                for (int depth = 0; end < text.size(); ++end) {
                    depth += text[end] == '(' ? 1 : text[end] == ')' ? -1 : 0;
                    if (depth == 0)
                        break;
                }
                ++end;
                while (end < text.size() && text[end] != ' ') // (index .Messages 0).Role
                    ++end;
            } else {
                while (end < text.size() && text[end] != ' ')
                    ++end;
            }
            if (end > text.size())
                throw std::runtime_error("unbalanced expression: " + text);
            out.push_back(text.substr(at, end - at));
            at = end;
        }
        return out;
    }

    // One operand: a literal, a variable or field chain, or a parenthesised call with a field chain after it.
    Value operand(const std::string &word, const Scope &scope) const
    {
        if (word.front() == '"') {
            std::string text;
            for (std::size_t i = 1; i + 1 < word.size(); ++i) {
                if (word[i] == '\\') {
                    ++i;
                    text += word[i] == 'n' ? '\n' : word[i];
                } else {
                    text += word[i];
                }
            }
            return text;
        }
        if (std::isdigit(static_cast<unsigned char>(word.front())))
            return std::int64_t(std::stoll(word));
        Value value;
        std::string chain;
        if (word.front() == '(') {
            const std::size_t close = word.rfind(')');
            value = evaluate(word.substr(1, close - 1), scope);
            chain = word.substr(close + 1);
        } else if (word.front() == '$') {
            const std::size_t dot = word.find('.');
            const std::string name = word.substr(0, dot);
            const auto found = scope.variables.find(name);
            if (found == scope.variables.end())
                throw std::runtime_error("undefined variable " + name);
            value = found->second;
            chain = dot == std::string::npos ? "" : word.substr(dot);
        } else if (word.front() == '.') {
            value = scope.dot;
            chain = word == "." ? "" : word;
        } else {
            throw std::runtime_error("unknown word " + word);
        }
        std::size_t at = 0;
        while (at < chain.size()) {
            const std::size_t next = chain.find('.', at + 1);
            value = field(value, chain.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1));
            at = next == std::string::npos ? chain.size() : next;
        }
        return value;
    }

    Value evaluate(const std::string &expression, const Scope &scope) const
    {
        const std::vector<std::string> parts = words(expression);
        if (parts.empty())
            throw std::runtime_error("empty expression");
        const std::string &name = parts.front();
        std::vector<Value> args;
        const auto argument = [&](std::size_t i) { return operand(parts.at(i), scope); };
        if (name == "and" || name == "or") {
            Value last;
            for (std::size_t i = 1; i < parts.size(); ++i) {
                last = argument(i);
                if (truth(last) != (name == "and"))
                    return last;
            }
            return last;
        }
        if (name == "not")
            return !truth(argument(1));
        if (name == "eq" || name == "ne") {
            const Value a = argument(1), b = argument(2);
            if (a.index() != b.index())
                throw std::runtime_error("incompatible types for comparison in " + expression);
            return (a == b) == (name == "eq");
        }
        if (name == "len") {
            const Value value = argument(1);
            if (const auto *list = std::get_if<std::vector<GoMessage>>(&value))
                return std::int64_t(list->size());
            return std::int64_t(std::get<std::string>(value).size());
        }
        if (name == "index" || name == "slice") {
            const auto list = std::get<std::vector<GoMessage>>(argument(1));
            const auto from = std::get<std::int64_t>(argument(2));
            if (from < 0 || std::size_t(from) > list.size() || (name == "index" && std::size_t(from) == list.size()))
                throw std::runtime_error(name + " out of range");
            if (name == "index")
                return list[std::size_t(from)];
            return std::vector<GoMessage>(list.begin() + from, list.end());
        }
        if (parts.size() != 1)
            throw std::runtime_error("unknown function " + name);
        return operand(name, scope);
    }

    void run(const List &list, Scope &scope, std::string &out) const
    {
        for (const auto &node : list) {
            switch (node->kind) {
            case Node::Text:
                out += node->text;
                break;
            case Node::Print:
                out += print(evaluate(node->text, scope));
                break;
            case Node::If:
                run(truth(evaluate(node->text, scope)) ? node->body : node->otherwise, scope, out);
                break;
            case Node::With: {
                const Value value = evaluate(node->text, scope);
                if (truth(value)) {
                    Scope inner = scope;
                    inner.dot = value;
                    run(node->body, inner, out);
                } else {
                    run(node->otherwise, scope, out);
                }
                break;
            }
            case Node::Range: {
                const auto list = std::get<std::vector<GoMessage>>(evaluate(node->text, scope));
                for (std::size_t i = 0; i < list.size(); ++i) {
                    Scope inner = scope;
                    inner.dot = list[i];
                    if (node->names.size() == 2) {
                        inner.variables[node->names[0]] = std::int64_t(i);
                        inner.variables[node->names[1]] = list[i];
                    } else if (node->names.size() == 1) {
                        inner.variables[node->names[0]] = list[i];
                    }
                    run(node->body, inner, out);
                }
                if (list.empty())
                    run(node->otherwise, scope, out);
                break;
            }
            }
        }
    }

    std::string m_text;
    std::vector<Item> m_items;
    List m_root;
};

} // namespace mtm::test
